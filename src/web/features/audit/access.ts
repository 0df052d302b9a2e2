import type { Membership } from '../../app/api-types';

/** The roles that may read an organisation's audit log (the server's auditPolicy.readOrgLog). */
export const AUDIT_READERS: ReadonlyArray<Membership['roles'][number]> = [
  'admin',
  'security_officer',
  'management',
  'auditor',
];

export const canReadAudit = (membership: Membership | undefined): boolean =>
  membership?.roles.some((role) => AUDIT_READERS.includes(role)) ?? false;
