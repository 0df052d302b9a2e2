import type { z } from 'zod';
import { ORG_ROLES } from '../../../server/lib/actor';
import type { member } from '../../../server/modules/directory/schemas';
import type {
  createdInvitation,
  deactivateResult,
  invitation,
  issuedLink,
} from '../../../server/modules/people/schemas';
import type { Membership } from '../../app/api-types';

/** The API's shapes, from the server's zod schemas (types only). */
export type OrgRole = Membership['roles'][number];
export type Member = z.infer<typeof member>;
export type Invitation = z.infer<typeof invitation>;
/** A new invitation: `link` only when no mail could be sent (no SMTP configured). */
export type CreatedInvitation = z.infer<typeof createdInvitation>;
export type PasswordResetResult = z.infer<typeof issuedLink>;
export type DeactivationResult = z.infer<typeof deactivateResult>;

/** The roles an organisation admin hands out; sector coordinators exist only in the sector unit. */
export const rolesFor = (kind: Membership['kind'] | undefined): OrgRole[] =>
  ORG_ROLES.filter((r) => r !== 'sector_coordinator' || kind === 'sector_unit');

/** Organisation admins manage the people of their organisation (the server's people policy). */
export const canManagePeople = (membership: Membership | undefined): boolean =>
  membership?.roles.includes('admin') ?? false;
