import { addMessages } from '../../lib/messages.js';

/** Messages of advisory matching and its review queue, in Danish and English. */
addMessages({
  'advisories.match_not_found': {
    en: 'This organisation has no such match.',
    da: 'Organisationen har ikke dette match.',
  },
  'advisories.match_certain': {
    en: 'This match is certain (package URL or CPE with a decided version): there is nothing to review.',
    da: 'Dette match er sikkert (package URL eller CPE med en afgjort version): der er intet at vurdere.',
  },
  'advisories.not_sector_coordinator': {
    en: 'Only a sector coordinator sees which organisations an advisory concerns.',
    da: 'Kun en sektorkoordinator ser, hvilke organisationer en advisory berører.',
  },
});
