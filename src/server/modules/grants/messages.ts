import { addMessages } from '../../lib/messages.js';

/** The auditor grants module's messages for people, in Danish and English. */
addMessages({
  'grants.ends_before_start': {
    en: 'The access window must end after it starts.',
    da: 'Adgangsperioden skal slutte efter den begynder.',
  },
  'grants.ends_in_past': {
    en: 'The access window must end in the future.',
    da: 'Adgangsperioden skal slutte ude i fremtiden.',
  },
  'grants.window_too_long': {
    en: 'The access window may be at most {max_days} days long.',
    da: 'Adgangsperioden må højst vare {max_days} dage.',
  },
  'grants.data_period_invalid': {
    en: 'The data period must start on or before the day it ends.',
    da: 'Dataperioden skal begynde på eller før den dag, den slutter.',
  },
  'grants.name_required': {
    en: 'No account has the e-mail address {email}: give the auditor’s name to create one.',
    da: 'Ingen konto har e-mailadressen {email}: angiv revisorens navn for at oprette en.',
  },
  'grants.platform_admin': {
    en: 'A platform administrator cannot be granted auditor access.',
    da: 'En platformadministrator kan ikke få revisoradgang.',
  },
  'grants.user_deactivated': {
    en: 'The account {email} is deactivated.',
    da: 'Kontoen {email} er deaktiveret.',
  },
  'grants.overlapping': {
    en: '{email} already has a grant for this organisation whose window overlaps this one.',
    da: '{email} har allerede en adgang til denne organisation, hvis periode overlapper denne.',
  },
});
