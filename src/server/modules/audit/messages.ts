import { addMessages } from '../../lib/messages.js';

/** The audit module's messages for people, in Danish and English. */
addMessages({
  'audit.anchors_not_found': {
    en: 'The anchor file {file} does not exist or cannot be read.',
    da: 'Ankerfilen {file} findes ikke eller kan ikke læses.',
  },
});
