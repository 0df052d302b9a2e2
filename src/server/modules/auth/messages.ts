import { addMessages } from '../../lib/messages.js';

/** Messages of the auth module that src/server/lib/messages.ts does not already hold. */
addMessages({
  'auth.password_required': {
    en: 'Enter your password to set up two-factor sign-in.',
    da: 'Indtast din adgangskode for at opsætte tofaktor-login.',
  },
  'auth.mfa_not_pending': {
    en: 'There is no sign-in waiting for a code. Sign in again.',
    da: 'Der er ingen login, der venter på en kode. Log ind igen.',
  },
  'auth.mfa_enrolment_not_started': {
    en: 'Start setting up two-factor sign-in first.',
    da: 'Start opsætningen af tofaktor-login først.',
  },
  'auth.people_only': {
    en: 'Only people signed in through the browser have sessions.',
    da: 'Kun personer, der er logget ind i browseren, har sessioner.',
  },
  'auth.wrong_password': {
    en: 'The current password is wrong.',
    da: 'Den nuværende adgangskode er forkert.',
  },
  'auth.password_too_short': {
    en: 'The new password must have at least {min} characters.',
    da: 'Den nye adgangskode skal have mindst {min} tegn.',
  },
  'auth.password_unchanged': {
    en: 'The new password must differ from the current one.',
    da: 'Den nye adgangskode skal være en anden end den nuværende.',
  },
});
