import { addMessages } from '../../lib/messages.js';

/** Messages of the coordinator's person lookup, in Danish and English. */
addMessages({
  'alerts.person_not_found': {
    en: 'Nobody active in Værn has the e-mail address "{email}". Check the address: only an exact address finds a person.',
    da: 'Ingen aktiv bruger i Værn har e-mailadressen "{email}". Tjek adressen: kun en præcis adresse finder en person.',
  },
});
