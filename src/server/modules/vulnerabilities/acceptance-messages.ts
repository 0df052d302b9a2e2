import { addMessages } from '../../lib/messages.js';

/** Messages of risk acceptance requests, in Danish and English. */
addMessages({
  'findings.acceptance_request_people_only': {
    en: 'A risk acceptance is asked for and decided by people: sign in instead of using an API token.',
    da: 'En risikoaccept anmodes om og besluttes af personer: log ind i stedet for at bruge et API-token.',
  },
  'findings.acceptance_request_state': {
    en: 'Only an open finding or one in progress can be put to management; this one is "{state:findings.state}".',
    da: 'Kun et åbent fund eller et fund under behandling kan forelægges ledelsen; dette har status "{state:findings.state}".',
  },
  'findings.acceptance_request_open': {
    en: 'Management has already been asked to accept this risk; the request waits for a decision.',
    da: 'Ledelsen er allerede blevet bedt om at acceptere denne risiko; anmodningen venter på en beslutning.',
  },
  'findings.acceptance_request_not_found': {
    en: 'There is no such risk acceptance request in this organisation.',
    da: 'Der er ingen sådan anmodning om risikoaccept i denne organisation.',
  },
  'findings.acceptance_request_decided': {
    en: 'This request has already been decided.',
    da: 'Der er allerede truffet beslutning om denne anmodning.',
  },
  'findings.acceptance_decline_note': {
    en: 'Say why the risk is not accepted: the note goes back to the person who asked.',
    da: 'Skriv, hvorfor risikoen ikke accepteres: noten går tilbage til den, der spurgte.',
  },
});
