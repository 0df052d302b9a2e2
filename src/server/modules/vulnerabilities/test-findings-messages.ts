import { addMessages } from '../../lib/messages.js';

/** Messages of penetration-test and red-team findings and their sharing, in Danish and English. */
addMessages({
  'findings.test_system_unknown': {
    en: 'There is no system with the key "{key}" in this organisation.',
    da: 'Organisationen har intet system med nøglen "{key}".',
  },
  'findings.not_a_test_finding': {
    en: 'Only penetration-test and red-team findings can be shared.',
    da: 'Kun fund fra penetrationstest og red team kan deles.',
  },
  'findings.share_org_unknown': {
    en: 'There is no organisation "{org}".',
    da: 'Organisationen "{org}" findes ikke.',
  },
  'findings.share_self': {
    en: 'A finding is shared with other organisations, not with its own.',
    da: 'Et fund deles med andre organisationer, ikke med sin egen.',
  },
  'findings.share_not_found': {
    en: 'The finding is not shared with "{org}".',
    da: 'Fundet er ikke delt med "{org}".',
  },
});
