import { addMessages, type Locale } from '../../lib/messages.js';

/** The management report's refusals, in Danish and English (problem+json titles). */
addMessages({
  'findings_report.quarter_invalid': {
    en: 'The quarter must be written as YYYY-Q1 … YYYY-Q4 and must have begun.',
    da: 'Kvartalet skal skrives som ÅÅÅÅ-Q1 … ÅÅÅÅ-Q4 og skal være begyndt.',
  },
  'findings_report.sign_people_only': {
    en: 'Only a person can sign the management report; API tokens cannot sign.',
    da: 'Kun en person kan underskrive ledelsesrapporten; API-nøgler kan ikke underskrive.',
  },
  'findings_report.sign_management_only': {
    en: 'Only a member of management can sign the management report.',
    da: 'Kun et medlem af ledelsen kan underskrive ledelsesrapporten.',
  },
  'findings_report.sign_needs_mfa': {
    en: 'Signing needs two-factor login: set up an authenticator app first.',
    da: 'Underskrift kræver totrinslogin: opsæt først en godkendelsesapp.',
  },
  'findings_report.code_invalid': {
    en: 'The code from the authenticator app is not valid.',
    da: 'Koden fra godkendelsesappen er ikke gyldig.',
  },
  'findings_report.code_used': {
    en: 'This code has already been used. Wait for the next code.',
    da: 'Denne kode er allerede brugt. Vent på den næste kode.',
  },
});

/** The report's own texts. Every label exists in both languages (the type makes sure). */
const labels = {
  title: { en: 'Vulnerability management report', da: 'Ledelsesrapport om sårbarhedsstyring' },
  draft: { en: 'Draft', da: 'Udkast' },
  draftNote: {
    en: 'Draft: not signed. Only the version signed by management is the management report.',
    da: 'Udkast: ikke underskrevet. Kun den version, ledelsen har underskrevet, er ledelsesrapporten.',
  },
  organisation: { en: 'Organisation', da: 'Organisation' },
  quarter: { en: 'Quarter', da: 'Kvartal' },
  period: { en: 'Period', da: 'Periode' },
  generatedAt: { en: 'Figures as of', da: 'Tal opgjort' },
  signedBy: { en: 'Signed by', da: 'Underskrevet af' },
  signedAt: { en: 'Signed at', da: 'Underskrevet' },
  signedNote: {
    en: 'Signed with a one-time code (two-factor). Værn keeps the SHA-256 of this document.',
    da: 'Underskrevet med engangskode (totrinslogin). Værn gemmer dette dokuments SHA-256.',
  },
  summary: { en: 'Summary', da: 'Sammenfatning' },
  openTotal: { en: 'Open findings', da: 'Åbne fund' },
  overdueTotal: { en: 'Past their SLA deadline', da: 'Over SLA-fristen' },
  kevTotal: { en: 'Known exploited (KEV), open', da: 'Kendt udnyttede (KEV), åbne' },
  acceptedTotal: { en: 'Accepted risks', da: 'Accepterede risici' },
  quarterEndTitle: {
    en: 'At the end of the quarter ({day})',
    da: 'Ved kvartalets udgang ({day})',
  },
  quarterEndNote: {
    en: 'As Værn recorded them on {recorded}; everything else in this report describes the findings when it was made.',
    da: 'Som Værn registrerede dem {recorded}; resten af rapporten beskriver fundene, da den blev lavet.',
  },
  quarterEndNone: {
    en: 'Værn recorded no figures on or before that day.',
    da: 'Værn registrerede ingen tal den dag eller før.',
  },
  unfinishedTotal: {
    en: 'Unfinished (open, in progress, accepted, suppressed)',
    da: 'Uafsluttede (åbne, under behandling, accepterede, undertrykte)',
  },
  matrixTitle: {
    en: 'Open findings by severity and system criticality',
    da: 'Åbne fund efter alvorlighed og systemets kritikalitet',
  },
  matrixNote: {
    en: 'Open and in-progress findings; informational items are not counted.',
    da: 'Åbne fund og fund under behandling; informative fund tælles ikke.',
  },
  severity: { en: 'Severity', da: 'Alvorlighed' },
  total: { en: 'Total', da: 'I alt' },
  overdueTitle: { en: 'Overdue against the SLA', da: 'Overskredet SLA' },
  overdueNote: {
    en: '{total} open findings are past their due date. The most overdue:',
    da: '{total} åbne fund er over deres frist. De mest forsinkede:',
  },
  finding: { en: 'Finding', da: 'Fund' },
  host: { en: 'Host', da: 'Vært' },
  system: { en: 'System', da: 'System' },
  dueOn: { en: 'Due', da: 'Frist' },
  daysOverdue: { en: 'Days over', da: 'Dage over' },
  trendTitle: { en: 'Trend: open findings, last 13 weeks', da: 'Udvikling: åbne fund, seneste 13 uger' },
  trendNote: {
    en: 'Unfinished findings (open, in progress, risk accepted, suppressed; informational items not counted) at the end of each week, as Værn recorded them that day; weeks end on Sundays, as on the overview.',
    da: 'Uafsluttede fund (åbne, under behandling, risikoaccepterede, undertrykte; informative fund tælles ikke) ved udgangen af hver uge, som Værn registrerede dem den dag; ugerne slutter søndag, som på overblikket.',
  },
  weekEnding: { en: 'Week ending', da: 'Uge til og med' },
  topTitle: {
    en: 'Top 10 systems by open critical and high findings',
    da: 'Top 10 systemer efter åbne kritiske og høje fund',
  },
  criticality: { en: 'Criticality', da: 'Kritikalitet' },
  acceptedTitle: { en: 'Accepted risks', da: 'Accepterede risici' },
  approver: { en: 'Approved by', da: 'Godkendt af' },
  reason: { en: 'Reason', da: 'Begrundelse' },
  expires: { en: 'Expires', da: 'Udløber' },
  kevTitle: {
    en: 'Known exploited vulnerabilities (CISA KEV), open',
    da: 'Kendt udnyttede sårbarheder (CISA KEV), åbne',
  },
  cves: { en: 'CVE', da: 'CVE' },
  none: { en: 'None.', da: 'Ingen.' },
  moreRows: { en: '… and {n} more.', da: '… og {n} flere.' },
  page: { en: 'Page {page} of {pages}', da: 'Side {page} af {pages}' },
  noSystem: { en: '(no system)', da: '(intet system)' },
  critical: { en: 'Critical', da: 'Kritisk' },
  high: { en: 'High', da: 'Høj' },
  medium: { en: 'Medium', da: 'Middel' },
  low: { en: 'Low', da: 'Lav' },
  unassessed: { en: 'Not assessed', da: 'Ikke vurderet' },
} satisfies Record<string, Record<Locale, string>>;

export type LabelKey = keyof typeof labels;

/** A report label in the language, with {name} parameters filled in. */
export function label(key: LabelKey, lang: Locale, params: Record<string, string | number> = {}): string {
  return labels[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A severity or criticality level's name in the language. */
export function levelName(level: string | null, lang: Locale): string {
  const key = (level ?? 'unassessed') as LabelKey;
  return key in labels ? label(key, lang) : (level ?? '');
}
