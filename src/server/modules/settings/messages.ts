import { addMessages } from '../../lib/messages.js';

/** The settings module's messages for people, in Danish and English. */
addMessages({
  'settings.platform_admin_only': {
    en: 'Only a platform administrator can see and change platform settings.',
    da: 'Kun en platformadministrator kan se og ændre platformens indstillinger.',
  },
  'settings.sector_only': {
    en: 'Only a sector coordinator or a platform administrator can see and change the sector’s settings.',
    da: 'Kun en sektorkoordinator eller en platformadministrator kan se og ændre sektorens indstillinger.',
  },
  'settings.unknown_key': {
    en: 'There is no platform setting "{key}".',
    da: 'Der findes ingen platformindstilling "{key}".',
  },
  'settings.out_of_range': {
    en: 'The setting "{key}" must be a whole number from {min} to {max}.',
    da: 'Indstillingen "{key}" skal være et helt tal fra {min} til {max}.',
  },
});
