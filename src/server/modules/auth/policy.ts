import { type Actor, mfaRequiredFor } from '../../lib/actor.js';
import { PASSWORD_MIN_LENGTH } from './constants.js';
import type { SessionInfo } from './resolve.js';

type Stage = SessionInfo['stage'];

/** Who must do what to sign in. One rule per decision. */
export const authPolicy = {
  /** Platform administrators and holders of a signing or administering role need a second factor. */
  mfaRequired: mfaRequiredFor,
  /** The stage a new session starts in, once the password is right. */
  stageAfterPassword: (mfaEnrolled: boolean, mfaRequired: boolean): Stage =>
    mfaEnrolled ? 'password' : mfaRequired ? 'enrol' : 'full',
  /** Enrolment: when it is demanded, or voluntarily from a full session. */
  mayEnrol: (stage: Stage) => stage === 'enrol' || stage === 'full',
  /** Voluntary enrolment (from a full session) re-checks the password; demanded enrolment follows it. */
  enrolNeedsPassword: (stage: Stage) => stage === 'full',
  /** The second-factor challenge answers only a session that gave its password. */
  mayVerify: (stage: Stage) => stage === 'password',
  /** Listing and revoking sessions is for people; tokens and the operator have none. */
  manageOwnSessions: (a: Actor): a is Extract<Actor, { kind: 'user' }> => a.kind === 'user',
  /** A person's own profile (name, language, password) is theirs alone; tokens and the operator have none. */
  editOwnProfile: (a: Actor): a is Extract<Actor, { kind: 'user' }> => a.kind === 'user',
  /** Why a new password is refused, or undefined when it will do. Length counts characters, not UTF-16 units. */
  newPasswordProblem: (current: string, next: string): 'too_short' | 'unchanged' | undefined =>
    [...next].length < PASSWORD_MIN_LENGTH ? 'too_short' : next === current ? 'unchanged' : undefined,
};
