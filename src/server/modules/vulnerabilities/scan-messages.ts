import { addMessages } from '../../lib/messages.js';

/** Messages of scan imports and findings, in Danish and English. */
addMessages({
  'scans.family_reserved': {
    en: 'The item at line {line} comes from "{family}": that name is kept for penetration-test and red-team findings entered in Værn. Give the scanner another name.',
    da: 'Punktet på linje {line} kommer fra "{family}": det navn er forbeholdt fund fra penetrationstest og red team, der registreres i Værn. Giv scanneren et andet navn.',
  },
  'scans.host_missing': {
    en: 'The item at line {line} names no host, so it cannot be told apart from other findings.',
    da: 'Punktet på linje {line} angiver ingen vært, så det kan ikke skelnes fra andre fund.',
  },
  'scans.system_unknown': {
    en: 'There is no system with the key "{system}" in this organisation. Give the key of one of its systems (--system).',
    da: 'Der er intet system med nøglen "{system}" i denne organisation. Angiv nøglen på et af dens systemer (--system).',
  },
  'findings.not_found': {
    en: 'There is no such finding in this organisation.',
    da: 'Der er intet sådant fund i denne organisation.',
  },
  'findings.reason_required': {
    en: 'Give a reason: it is kept with the decision in the audit trail.',
    da: 'Angiv en begrundelse: den gemmes sammen med beslutningen i revisionssporet.',
  },
  'findings.accepted_until_required': {
    en: 'A risk acceptance needs an expiry date in the future (at most {max_days} days ahead).',
    da: 'En risikoaccept skal have en udløbsdato i fremtiden (højst {max_days} dage frem).',
  },
  'findings.accept_needs_management': {
    en: 'Only a person with the management role can accept a risk.',
    da: 'Kun en person med ledelsesrollen kan acceptere en risiko.',
  },
  'findings.state_not_allowed': {
    en: 'A finding that is "{from:findings.state}" cannot be set to "{to:findings.state}" by hand.',
    da: 'Et fund med status "{from:findings.state}" kan ikke sættes til "{to:findings.state}" manuelt.',
  },
  // The states by name, as the web app names them.
  'findings.state.open': { en: 'Open', da: 'Åben' },
  'findings.state.in_progress': { en: 'In progress', da: 'Under behandling' },
  'findings.state.risk_accepted': { en: 'Risk accepted', da: 'Risikoaccept' },
  'findings.state.false_positive': { en: 'False positive', da: 'Falsk positiv' },
  'findings.state.fixed': { en: 'Fixed', da: 'Rettet' },
  'findings.state.suppressed': { en: 'Suppressed', da: 'Undertrykt' },
});
