import { addMessages } from '../../lib/messages.js';

/** Messages of alert subscriptions and in-app notifications, in Danish and English. */
addMessages({
  'alerts.subscription_people_only': {
    en: 'Subscriptions and notifications belong to people; a machine client subscribes through a webhook endpoint.',
    da: 'Abonnementer og notifikationer hører til personer; en maskinklient abonnerer gennem et webhook-endpoint.',
  },
  'alerts.notification_not_found': {
    en: 'You have no such notification in this organisation.',
    da: 'Du har ikke denne notifikation i organisationen.',
  },
});
