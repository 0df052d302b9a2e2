import { addMessages } from '../../lib/messages.js';

/** Messages of the vulnerability reference data (KEV, EPSS, lookups), in Danish and English. */
addMessages({
  'vulnerabilities.not_found': {
    en: 'There is no vulnerability known by the id "{id}".',
    da: 'Der findes ingen sårbarhed med id\'et "{id}".',
  },
  'vulnerabilities.sector_unit_missing': {
    en: 'There is no sector unit organisation: KEV and EPSS are imported into it.',
    da: 'Der findes ingen organisation for sektorenheden: KEV og EPSS importeres i den.',
  },
  'vulnerabilities.kev_too_large': {
    en: 'The KEV catalogue is larger than {limit} MiB; the real catalogue is a few MiB.',
    da: 'KEV-kataloget er større end {limit} MiB; det rigtige katalog fylder få MiB.',
  },
  'vulnerabilities.kev_json': {
    en: 'The file is not valid JSON (line {line}): {detail}',
    da: 'Filen er ikke gyldig JSON (linje {line}). Læserens forklaring (på engelsk): {detail}',
  },
  'vulnerabilities.kev_catalog_rule': {
    en: 'The catalogue does not follow the KEV schema at {path}: {reason:validation}',
    da: 'Kataloget følger ikke KEV-skemaet ved {path}: {reason:validation}',
  },
  'vulnerabilities.kev_entry_rule': {
    en: 'Entry {index} ({cve}, line {line}) does not follow the KEV schema at {path}: {reason:validation}',
    da: 'Post {index} ({cve}, linje {line}) følger ikke KEV-skemaet ved {path}: {reason:validation}',
  },
  // Refusals stored before 2026-11-25 named the schema's reason in English (`detail`).
  'vulnerabilities.kev_catalog': {
    en: 'The catalogue does not follow the KEV schema at {path}: {detail}',
    da: 'Kataloget følger ikke KEV-skemaet ved {path}: {detail}',
  },
  'vulnerabilities.kev_count': {
    en: 'The catalogue says it has {count} entries but holds {found}: it may be cut short.',
    da: 'Kataloget siger, at det har {count} poster, men indeholder {found}: det kan være afkortet.',
  },
  'vulnerabilities.kev_entry': {
    en: 'Entry {index} ({cve}, line {line}) does not follow the KEV schema at {path}: {detail}',
    da: 'Post {index} ({cve}, linje {line}) følger ikke KEV-skemaet ved {path}: {detail}',
  },
  'vulnerabilities.kev_older': {
    en: 'This catalogue ({released}) is older than the one already imported ({current}).',
    da: 'Dette katalog ({released}) er ældre end det, der allerede er importeret ({current}).',
  },
  'vulnerabilities.epss_comment': {
    en: 'The first line must be FIRST\'s "#model_version:…,score_date:…" line.',
    da: 'Første linje skal være FIRST\'s linje "#model_version:…,score_date:…".',
  },
  'vulnerabilities.epss_header': {
    en: 'The header must be "cve,epss,percentile"; it is "{header}".',
    da: 'Overskriften skal være "cve,epss,percentile"; den er "{header}".',
  },
  'vulnerabilities.epss_cve': {
    en: '"{value}" is not a CVE id (CVE-YYYY-NNNN).',
    da: '"{value}" er ikke et CVE-id (CVE-ÅÅÅÅ-NNNN).',
  },
  'vulnerabilities.epss_probability': {
    en: '"{value}" is not a number from 0 to 1.',
    da: '"{value}" er ikke et tal fra 0 til 1.',
  },
  'vulnerabilities.epss_unpacked_too_large': {
    en: 'The gzipped file unpacks to more than {limit}; an EPSS file is far smaller. Nothing was imported.',
    da: 'Den gzip-komprimerede fil fylder mere end {limit} udpakket; en EPSS-fil er langt mindre. Intet blev importeret.',
  },
  'vulnerabilities.epss_too_many_rows': {
    en: 'The file has more than {limit} scores; an EPSS file has far fewer. Nothing was imported.',
    da: 'Filen har mere end {limit} scorer; en EPSS-fil har langt færre. Intet blev importeret.',
  },
  'vulnerabilities.epss_columns': {
    en: 'The row has {found} cells; it must have 3 (cve, epss, percentile).',
    da: 'Rækken har {found} celler; den skal have 3 (cve, epss, percentile).',
  },
});
