export const SESSION_COOKIE = 'vaern_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A session unused this long ends. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** A session ends this long after sign-in, however active. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often. */
export const SESSION_TOUCH_MS = 60 * 1000;
export const TOKEN_PREFIX = 'vaern_';
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;
/** Sign-in attempts (password or second factor) one client address may make per minute. */
export const SIGN_IN_RATE_LIMIT = { max: 10, timeWindow: '1 minute' } as const;
/** TOTP as every authenticator app understands it: SHA1, 6 digits, 30 s, ±1 step accepted. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = 'Værn';
/** Recovery codes issued when MFA is confirmed; each works once. */
export const RECOVERY_CODE_COUNT = 10;
/** A new password has at least this many characters (as people count them). */
export const PASSWORD_MIN_LENGTH = 12;
