import { addMessages } from '../../lib/messages.js';

/** Messages of an organisation's own alerts (migration 0033), in Danish and English. */
addMessages({
  'alerts.org_not_issuer': {
    en: "Only the organisation's admin or security officer writes alerts to its subscribers.",
    da: 'Kun organisationens administrator eller sikkerhedsansvarlige skriver varsler til dens abonnenter.',
  },
  'alerts.org_children_label': {
    en: 'Child organisations can be included only under TLP:CLEAR, TLP:GREEN or TLP:AMBER.',
    da: 'Underorganisationer kan kun medtages under TLP:CLEAR, TLP:GREEN eller TLP:AMBER.',
  },
});
