-- Authentication: a TOTP enrolment in progress, and replay protection for TOTP codes.
--
-- users.mfa_pending_secret holds the sealed seed (secretbox, purpose 'mfa-totp') between
-- `POST /auth/mfa/enrol` and its confirmation; it becomes users.mfa_secret once a code proves the
-- person's authenticator has it. users.mfa_last_step is the last TOTP time step (Unix time / 30 s)
-- accepted for the person, so a code is accepted once, even within its window.
-- Both columns are covered by the table-level grants and row-level policies of 0001 (a person
-- reads and writes only their own row).

alter table users add column mfa_pending_secret text;
alter table users add column mfa_last_step bigint;
