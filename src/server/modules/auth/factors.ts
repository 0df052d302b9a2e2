import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { sha256Hex } from '../../lib/crypto.js';
import {
  RECOVERY_CODE_COUNT,
  TOTP_DIGITS,
  TOTP_ISSUER,
  TOTP_PERIOD_SECONDS,
  TOTP_WINDOW,
} from './constants.js';

/** Second factors: TOTP seeds and codes, recovery codes. No database here. */

const totp = (base32: string, label = TOTP_ISSUER) =>
  new TOTP({
    issuer: TOTP_ISSUER,
    label,
    secret: Secret.fromBase32(base32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });

/** A new 160-bit TOTP seed, base32 (RFC 4226 recommends 160 bits for HMAC-SHA1). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The otpauth:// URI an authenticator app reads from a QR code. */
export const otpauthUri = (base32: string, email: string): string => totp(base32, email).toString();

/**
 * The time step (Unix seconds / period) a code belongs to when it is valid now, within ±1 step,
 * or null. otpauth's validate returns the step's offset from now (0 on an exact match).
 */
export function matchTotp(base32: string, code: string, now = Date.now()): number | null {
  const delta = totp(base32).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Ten recovery codes of 80 random bits each, shown as `xxxx-xxxx-xxxx-xxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(16);
    const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
    return chars.match(/.{4}/g)?.join('-') ?? chars;
  });
}

/** What is stored of a recovery code: the SHA-256 of its letters, case and separators ignored. */
export const recoveryCodeHash = (code: string): string =>
  sha256Hex(code.toLowerCase().replace(/[^a-z0-9]/g, ''));
