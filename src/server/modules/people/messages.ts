import { addMessages, isMessageKey } from '../../lib/messages.js';

/** The people module's messages and mail texts, in Danish and English. */
addMessages({
  'people.last_admin': {
    en: 'The organisation must keep at least one admin.',
    da: 'Organisationen skal have mindst én administrator.',
  },
  'people.cannot_remove_self': {
    en: 'You cannot remove yourself from the organisation.',
    da: 'Du kan ikke fjerne dig selv fra organisationen.',
  },
  'people.needs_platform_admin': {
    en: 'This person is a platform administrator or also belongs to an organisation you do not administer. Ask a platform administrator.',
    da: 'Denne person er platformadministrator eller hører også til en organisation, du ikke administrerer. Spørg en platformadministrator.',
  },
  'people.already_member': {
    en: '{email} is already a member of this organisation.',
    da: '{email} er allerede medlem af denne organisation.',
  },
  'people.already_invited': {
    en: '{email} already has a pending invitation.',
    da: '{email} har allerede en invitation, der venter.',
  },
  'people.invitation_invalid': {
    en: 'This invitation link has expired, has been used or was withdrawn. Ask your administrator for a new one.',
    da: 'Dette invitationslink er udløbet, allerede brugt eller trukket tilbage. Bed din administrator om et nyt.',
  },
  'people.sign_in_to_accept': {
    en: 'You already have an account. Sign in as {email} to accept the invitation.',
    da: 'Du har allerede en konto. Log ind som {email} for at tage imod invitationen.',
  },
  'people.name_password_required': {
    en: 'Enter your name and a password of at least 12 characters to create your account.',
    da: 'Indtast dit navn og en adgangskode på mindst 12 tegn for at oprette din konto.',
  },
  'people.reset_invalid': {
    en: 'This link has expired or has already been used. Ask for a new one.',
    da: 'Dette link er udløbet eller allerede brugt. Bed om et nyt.',
  },
  'people.mail.invitation_subject': { en: 'Invitation to Værn', da: 'Invitation til Værn' },
  'people.mail.invitation_text': {
    en:
      'Hello{greeting},\n\n{inviter} has invited you to join {org} in Værn, the security platform of the health sector.\n\n' +
      'Accept the invitation here:\n{link}\n\nThe link can be used once and is valid until {expires}.\n' +
      'If you did not expect this invitation, you can ignore this e-mail.\n',
    da:
      'Hej{greeting}\n\n{inviter} har inviteret dig til {org} i Værn, sundhedssektorens sikkerhedsplatform.\n\n' +
      'Tag imod invitationen her:\n{link}\n\nLinket kan bruges én gang og gælder til {expires}.\n' +
      'Hvis du ikke havde ventet denne invitation, kan du se bort fra denne e-mail.\n',
  },
  'people.mail.reset_subject': {
    en: 'Reset your Værn password',
    da: 'Nulstil din adgangskode til Værn',
  },
  'people.mail.reset_text': {
    en:
      'Hello {name},\n\nSomeone (hopefully you) asked to reset the password of your Værn account.\n\n' +
      'Choose a new password here:\n{link}\n\nThe link can be used once and is valid until {expires}.\n' +
      'If you did not ask for this, you can ignore this e-mail; your password stays as it is.\n',
    da:
      'Hej {name}\n\nNogen (forhåbentlig dig) har bedt om at nulstille adgangskoden til din Værn-konto.\n\n' +
      'Vælg en ny adgangskode her:\n{link}\n\nLinket kan bruges én gang og gælder til {expires}.\n' +
      'Hvis du ikke har bedt om det, kan du se bort fra denne e-mail; din adgangskode er uændret.\n',
  },
  'people.mail.admin_reset_subject': {
    en: 'Choose a new Værn password',
    da: 'Vælg en ny adgangskode til Værn',
  },
  'people.mail.admin_reset_text': {
    en:
      'Hello {name},\n\nAn administrator of {org} has reset the password of your Værn account.\n\n' +
      'Choose a new password here:\n{link}\n\nThe link can be used once and is valid until {expires}.\n',
    da:
      'Hej {name}\n\nEn administrator i {org} har nulstillet adgangskoden til din Værn-konto.\n\n' +
      'Vælg en ny adgangskode her:\n{link}\n\nLinket kan bruges én gang og gælder til {expires}.\n',
  },
  'people.mail.setup_subject': {
    en: 'Your Værn account',
    da: 'Din konto i Værn',
  },
  'people.mail.setup_text': {
    en:
      'Hello,\n\nAn account in Værn, the security platform of the health sector, has been created for you by {org}.\n\n' +
      'Choose your password here:\n{link}\n\nThe link can be used once and is valid until {expires}.\n',
    da:
      'Hej\n\nDer er oprettet en konto til dig i Værn, sundhedssektorens sikkerhedsplatform, af {org}.\n\n' +
      'Vælg din adgangskode her:\n{link}\n\nLinket kan bruges én gang og gælder til {expires}.\n',
  },
});

// Shared with other modules that send mail; registered once, by whichever module loads first.
if (!isMessageKey('mail.send_failed')) {
  addMessages({
    'mail.send_failed': {
      en: 'The e-mail could not be sent. Nothing was saved; try again later.',
      da: 'E-mailen kunne ikke sendes. Intet er gemt; prøv igen senere.',
    },
  });
}
