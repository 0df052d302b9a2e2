import { addMessages } from '../../lib/messages.js';

/** Messages of alert webhooks, in Danish and English. */
addMessages({
  'alerts.webhook_url_invalid': {
    en: 'The webhook address must be an https:// address without user name or password.',
    da: 'Webhook-adressen skal være en https://-adresse uden brugernavn eller adgangskode.',
  },
  'alerts.webhook_https_required': {
    en: 'The webhook address must use https:// (http:// only for hosts the platform administrator allow-lists).',
    da: 'Webhook-adressen skal bruge https:// (http:// kun for værter, platformsadministratoren har tilladt).',
  },
  'alerts.webhook_address_refused': {
    en: 'The webhook host {host} resolves to {address}, a private, loopback or otherwise internal address. Only addresses the platform administrator allow-lists may be used.',
    da: 'Webhook-værten {host} peger på {address}, en privat, lokal eller anden intern adresse. Kun adresser, platformsadministratoren har tilladt, kan bruges.',
  },
  'alerts.webhook_unresolvable': {
    en: 'The webhook host {host} could not be resolved.',
    da: 'Webhook-værten {host} kunne ikke slås op.',
  },
  'alerts.webhook_not_found': {
    en: 'This organisation has no such webhook endpoint.',
    da: 'Organisationen har ikke dette webhook-endepunkt.',
  },
  'alerts.webhook_delivery_not_found': {
    en: 'There is no such failed webhook delivery for this organisation.',
    da: 'Organisationen har ingen sådan fejlet webhook-levering.',
  },
});
