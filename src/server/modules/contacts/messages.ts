import { addMessages } from '../../lib/messages.js';

/** The contacts module's messages for people, in Danish and English. */
addMessages({
  'contacts.not_sector_coordinator': {
    en: 'Only a sector coordinator can see every organisation’s contacts.',
    da: 'Kun en sektorkoordinator kan se alle organisationers kontakter.',
  },
});
