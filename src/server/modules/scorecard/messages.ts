import { addMessages } from '../../lib/messages.js';

/** The scorecard module's messages for people, in Danish and English. */
addMessages({
  // Criterion 1
  'scorecard.c1.passed': {
    en: 'The inventory lists {health} systems with health data; management confirmed it on {date}, within {months} months.',
    da: 'Fortegnelsen omfatter {health} systemer med sundhedsdata; ledelsen bekræftede den {date}, inden for {months} måneder.',
  },
  'scorecard.c1.no_health_data': {
    en: 'The inventory lists no system with health data.',
    da: 'Fortegnelsen omfatter intet system med sundhedsdata.',
  },
  'scorecard.c1.never_confirmed': {
    en: 'The inventory lists {health} systems with health data, but management has never confirmed it.',
    da: 'Fortegnelsen omfatter {health} systemer med sundhedsdata, men ledelsen har aldrig bekræftet den.',
  },
  'scorecard.c1.confirmation_old': {
    en: 'Management last confirmed the inventory on {date}, more than {months} months ago.',
    da: 'Ledelsen bekræftede senest fortegnelsen {date}, for mere end {months} måneder siden.',
  },
  // Shares
  'scorecard.c2.share': {
    en: '{numerator} of {denominator} systems with health data have an assessed criticality ({percent} %; {threshold} % needed).',
    da: '{numerator} af {denominator} systemer med sundhedsdata har en vurderet kritikalitet ({percent} %; {threshold} % kræves).',
  },
  'scorecard.c5.share': {
    en: '{numerator} of {denominator} critical systems have multi-factor login ({percent} %; {threshold} % needed).',
    da: '{numerator} af {denominator} kritiske systemer har flerfaktor-login ({percent} %; {threshold} % kræves).',
  },
  'scorecard.c6.share': {
    en: '{numerator} of {denominator} critical systems are segmented from the general network ({percent} %; {threshold} % needed).',
    da: '{numerator} af {denominator} kritiske systemer er segmenteret fra det generelle netværk ({percent} %; {threshold} % kræves).',
  },
  'scorecard.c7.share': {
    en: '{numerator} of {denominator} systems are patched, confirmed within {days} days ({percent} %; {threshold} % needed).',
    da: '{numerator} af {denominator} systemer er opdaterede, bekræftet inden for {days} dage ({percent} %; {threshold} % kræves).',
  },
  'scorecard.c8.share': {
    en: '{numerator} of {denominator} critical systems had their contingency plan tested within {months} months ({percent} %; {threshold} % needed).',
    da: '{numerator} af {denominator} kritiske systemer har fået testet beredskabsplanen inden for {months} måneder ({percent} %; {threshold} % kræves).',
  },
  'scorecard.c9.share': {
    en: '{numerator} of {denominator} critical systems have a documented restore procedure ({percent} %; {threshold} % needed).',
    da: '{numerator} af {denominator} kritiske systemer har en dokumenteret genetableringsprocedure ({percent} %; {threshold} % kræves).',
  },
  'scorecard.c10.share': {
    en: '{numerator} of {denominator} critical systems had a successful restore test within {months} months ({percent} %; {threshold} % needed).',
    da: '{numerator} af {denominator} kritiske systemer har haft en vellykket genetableringstest inden for {months} måneder ({percent} %; {threshold} % kræves).',
  },
  // Nothing to measure
  'scorecard.no_health_data_systems': {
    en: 'Not measured: the inventory lists no system with health data.',
    da: 'Ikke målt: fortegnelsen omfatter intet system med sundhedsdata.',
  },
  'scorecard.no_critical_systems': {
    en: 'Not measured: the inventory lists no critical system (criticality critical or high).',
    da: 'Ikke målt: fortegnelsen omfatter intet kritisk system (kritikalitet kritisk eller høj).',
  },
  'scorecard.no_systems': {
    en: 'Not measured: the inventory lists no systems.',
    da: 'Ikke målt: fortegnelsen omfatter ingen systemer.',
  },
  // Criterion 3
  'scorecard.c3.passed': {
    en: 'Management signed the vulnerability management report for {quarter} on {date}, within the last quarter.',
    da: 'Ledelsen underskrev ledelsesrapporten om sårbarheder for {quarter} den {date}, inden for det seneste kvartal.',
  },
  'scorecard.c3.never_signed': {
    en: 'Management has never signed a vulnerability management report.',
    da: 'Ledelsen har aldrig underskrevet en ledelsesrapport om sårbarheder.',
  },
  'scorecard.c3.report_old': {
    en: 'The latest signed vulnerability management report is for {quarter}, signed on {date}: not within the last quarter ({months} months) or not for the current or previous quarter.',
    da: 'Den senest underskrevne ledelsesrapport om sårbarheder gælder {quarter}, underskrevet den {date}: ikke inden for det seneste kvartal ({months} måneder) eller ikke for indeværende eller forrige kvartal.',
  },
  'scorecard.c4.missing_module': {
    en: 'Not yet measured: this needs the risk module (current, approved risk assessments and action plans), which Værn does not have yet.',
    da: 'Endnu ikke målt: det kræver risikomodulet (aktuelle, godkendte risikovurderinger og handlingsplaner), som Værn endnu ikke har.',
  },
  // Errors
  'scorecard.no_evidence': {
    en: 'Criterion {n} is not measured yet, so it has no evidence.',
    da: 'Kriterium {n} er endnu ikke målt og har derfor intet bevismateriale.',
  },
  'scorecard.not_sector_coordinator': {
    en: 'Only a sector coordinator can see every organisation’s scorecard.',
    da: 'Kun en sektorkoordinator kan se alle organisationers scorekort.',
  },
  'scorecard.confirm_people_only': {
    en: 'Only a person in the management role can confirm the inventory; an API token never signs.',
    da: 'Kun en person med ledelsesrollen kan bekræfte fortegnelsen; et API-token underskriver aldrig.',
  },
  'scorecard.confirm_management_only': {
    en: 'Only management can confirm the inventory.',
    da: 'Kun ledelsen kan bekræfte fortegnelsen.',
  },
  'scorecard.confirm_needs_mfa': {
    en: 'Set up two-factor sign-in before you sign: the confirmation is signed with a code from your authenticator app.',
    da: 'Opsæt tofaktor-login, før du underskriver: bekræftelsen underskrives med en kode fra din godkendelsesapp.',
  },
  'scorecard.code_invalid': {
    en: 'The code is not valid. Enter the current code from your authenticator app.',
    da: 'Koden er ikke gyldig. Indtast den aktuelle kode fra din godkendelsesapp.',
  },
  'scorecard.code_used': {
    en: 'This code has already been used. Wait for the next code from your authenticator app.',
    da: 'Denne kode er allerede brugt. Vent på den næste kode fra din godkendelsesapp.',
  },
});
