import type { z } from 'zod';
import type {
  confirmResult,
  currentSession,
  enrolResult,
  loginResult,
  passwordResult,
  sessionItem,
  verifyResult,
} from '../../server/modules/auth/schemas';

/** The API's shapes, taken from the server's zod schemas (types only: nothing of zod is bundled). */
export type CurrentSession = z.infer<typeof currentSession>;
export type Membership = CurrentSession['memberships'][number];
export type LoginResult = z.infer<typeof loginResult>;
export type VerifyResult = z.infer<typeof verifyResult>;
export type EnrolResult = z.infer<typeof enrolResult>;
export type ConfirmResult = z.infer<typeof confirmResult>;
export type SessionItem = z.infer<typeof sessionItem>;
export type PasswordResult = z.infer<typeof passwordResult>;
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export interface Organisation {
  slug: string;
  name: string;
  kind: Membership['kind'];
}
