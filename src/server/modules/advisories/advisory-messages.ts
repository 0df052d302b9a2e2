import { addMessages } from '../../lib/messages.js';

/** Messages of the advisory import and the advisory API, in Danish and English. */
addMessages({
  'advisories.not_found': {
    en: 'There is no advisory with the id "{id}", or you may not read it.',
    da: 'Der findes ingen advisory med id\'et "{id}", eller du har ikke adgang til den.',
  },
  // Issues stored before 2026-11-25 carried their English wording (`detail`).
  'advisories.csaf_issue': {
    en: '{detail} (schema rule {schema_path})',
    da: '{detail} (skemaregel {schema_path})',
  },
  'advisories.csaf_issue_unplaced': {
    en: '{detail}',
    da: '{detail}',
  },
  'advisories.csaf_nul_escape': {
    en: 'The advisory holds a NUL character (\\u0000) in a text, which cannot be stored. Remove it and import the advisory again.',
    da: 'Advisoryen indeholder et NUL-tegn (\\u0000) i en tekst, som ikke kan gemmes. Fjern det, og importér advisoryen igen.',
  },
  'advisories.audience_required': {
    en: 'The advisory is TLP:{tlp}: give its audience (audience=<organisation slugs>, comma-separated; --audience on the command line). Only TLP:CLEAR and TLP:GREEN advisories are read by the whole sector.',
    da: 'Advisoryen er TLP:{tlp}: angiv dens modtagere (audience=<organisationers slugs>, kommasepareret; --audience på kommandolinjen). Kun advisories med TLP:CLEAR og TLP:GREEN læses af hele sektoren.',
  },
  'advisories.audience_unknown': {
    en: 'The audience names an organisation that does not exist: "{slug}".',
    da: 'Modtagerne omfatter en organisation, der ikke findes: "{slug}".',
  },
  'advisories.revision_older': {
    en: 'This is an older revision of the advisory {tracking_id}: version {version} ({date}), where version {stored_version} ({stored_date}) is already imported. Nothing was changed.',
    da: 'Dette er en ældre revision af advisoryen {tracking_id}: version {version} ({date}), mens version {stored_version} ({stored_date}) allerede er importeret. Intet blev ændret.',
  },
});
