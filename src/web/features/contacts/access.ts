import type { z } from 'zod';
import type { CONTACT_ROLES, contact, sectorContact } from '../../../server/modules/contacts/schemas';
import type { Membership } from '../../app/api-types';

/** The API's shapes, from the server's zod schemas (types only). */
export type Contact = z.infer<typeof contact>;
export type SectorContact = z.infer<typeof sectorContact>;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export const ROLES: readonly ContactRole[] = ['security_officer', 'dpo', 'it_on_call', 'crisis_staff'];

/** The roles that may change contacts (the server's contactsPolicy.write). */
export const canEditContacts = (membership: Membership | undefined): boolean =>
  membership?.roles.some((role) => role === 'admin' || role === 'security_officer') ?? false;

/** Sector coordinators of a sector unit see every organisation's contacts. */
export const isSectorCoordinator = (memberships: readonly Membership[]): boolean =>
  memberships.some((m) => m.kind === 'sector_unit' && m.roles.includes('sector_coordinator'));
