import { addMessages } from '../../../lib/messages.js';

/**
 * Why a scan file was refused, in Danish and English: the codes of the ScanFormatErrors the format
 * readers throw. `{line}` is the line of the file where the reader stopped.
 */
addMessages({
  'scans.empty': {
    en: 'The file is empty.',
    da: 'Filen er tom.',
  },
  'scans.encoding_utf16': {
    en: 'The file is saved as UTF-16 (or UTF-32). Save or export it as UTF-8 and import it again.',
    da: 'Filen er gemt som UTF-16 (eller UTF-32). Gem eller eksportér den som UTF-8, og importér den igen.',
  },
  'scans.encoding_invalid': {
    en: 'The file is not UTF-8 text (line {line}): it has invalid bytes or NUL characters.',
    da: 'Filen er ikke UTF-8-tekst (linje {line}): den har ugyldige byte eller NUL-tegn.',
  },
  'scans.encoding_declared': {
    en: 'The XML declaration says the file is encoded as "{encoding}" (line {line}); only UTF-8 is read.',
    da: 'XML-erklæringen siger, at filen er kodet som "{encoding}" (linje {line}); kun UTF-8 kan læses.',
  },
  'scans.line_too_long': {
    en: 'Line {line} is longer than {limit} characters.',
    da: 'Linje {line} er længere end {limit} tegn.',
  },
  'scans.not_xml': {
    en: 'The file is not XML (line {line}).',
    da: 'Filen er ikke XML (linje {line}).',
  },
  'scans.doctype': {
    en: 'The file has a DOCTYPE or ENTITY declaration (line {line}). Scan reports never need one, and it is refused for safety.',
    da: 'Filen har en DOCTYPE- eller ENTITY-erklæring (linje {line}). Scanningsrapporter har aldrig brug for en, og den afvises af sikkerhedshensyn.',
  },
  'scans.xml_entity': {
    en: 'The file refers to an entity that is not defined (line {line}): {detail}',
    da: 'Filen henviser til en entitet, der ikke er defineret (linje {line}). Læserens forklaring (på engelsk): {detail}',
  },
  'scans.xml_syntax': {
    en: 'The file is not well-formed XML (line {line}): {detail}',
    da: 'Filen er ikke velformet XML (linje {line}). Læserens forklaring (på engelsk): {detail}',
  },
  'scans.json_syntax': {
    en: 'The file is not valid JSON (line {line}): {detail}',
    da: 'Filen er ikke gyldig JSON (linje {line}). Læserens forklaring (på engelsk): {detail}',
  },
  'scans.too_deep': {
    en: 'The file nests deeper than {limit} levels (line {line}).',
    da: 'Filen er indlejret dybere end {limit} niveauer (linje {line}).',
  },
  'scans.token_too_long': {
    en: "The file holds a value (an attribute, a text or a comment) longer than {limit} characters, near line {line}; a scan report's values are far shorter.",
    da: 'Filen har en værdi (en attribut, en tekst eller en kommentar), der er længere end {limit} tegn, omkring linje {line}; en scanningsrapports værdier er langt kortere.',
  },
  'scans.item_too_large': {
    en: 'The finding that starts on line {line} has more than {limit} parts.',
    da: 'Fundet, der begynder på linje {line}, har mere end {limit} dele.',
  },
  'scans.too_many_items': {
    en: 'The file has more than {limit} findings (line {line}).',
    da: 'Filen har mere end {limit} fund (linje {line}).',
  },
  'scans.not_nessus': {
    en: 'The file is not a Nessus report (.nessus, version 2): its root element is <{root}>, not <NessusClientData_v2>.',
    da: 'Filen er ikke en Nessus-rapport (.nessus, version 2): dens rodelement er <{root}>, ikke <NessusClientData_v2>.',
  },
  'scans.nessus_plugin_missing': {
    en: 'The ReportItem on line {line} has no pluginID.',
    da: 'ReportItem på linje {line} har intet pluginID.',
  },
  'scans.nessus_host_unnamed': {
    en: 'The ReportItem on line {line} belongs to a ReportHost without a name.',
    da: 'ReportItem på linje {line} hører til en ReportHost uden navn.',
  },
  'scans.nessus_severity': {
    en: 'The ReportItem on line {line} has the severity "{value}"; Nessus uses 0 to 4.',
    da: 'ReportItem på linje {line} har alvorligheden "{value}"; Nessus bruger 0 til 4.',
  },
  'scans.nessus_port': {
    en: 'The ReportItem on line {line} has the port "{value}"; a port is a whole number from 0 to 65535.',
    da: 'ReportItem på linje {line} har porten "{value}"; en port er et helt tal fra 0 til 65535.',
  },
  'scans.not_openvas': {
    en: 'The file is not an OpenVAS/Greenbone XML report: its root element is <{root}>, not <report>.',
    da: 'Filen er ikke en OpenVAS/Greenbone-XML-rapport: dens rodelement er <{root}>, ikke <report>.',
  },
  'scans.openvas_oid_missing': {
    en: 'The result on line {line} has no NVT oid.',
    da: 'Resultatet på linje {line} har intet NVT-oid.',
  },
  'scans.openvas_host_missing': {
    en: 'The result on line {line} names no host.',
    da: 'Resultatet på linje {line} angiver ingen vært.',
  },
  'scans.openvas_severity_missing': {
    en: 'The result on line {line} has neither a severity nor a threat.',
    da: 'Resultatet på linje {line} har hverken en alvorlighed (severity) eller en trussel (threat).',
  },
  'scans.sarif_not_object': {
    en: 'The file is not a SARIF log (line {line}): the document is not a JSON object.',
    da: 'Filen er ikke en SARIF-log (linje {line}): dokumentet er ikke et JSON-objekt.',
  },
  'scans.sarif_runs_array': {
    en: 'The file is not a SARIF log (line {line}): "runs" is not an array.',
    da: 'Filen er ikke en SARIF-log (linje {line}): "runs" er ikke en liste.',
  },
  'scans.sarif_run_object': {
    en: 'The file is not a SARIF log (line {line}): a run is not an object.',
    da: 'Filen er ikke en SARIF-log (linje {line}): en kørsel (run) er ikke et objekt.',
  },
  'scans.sarif_results_array': {
    en: 'The file is not a SARIF log (line {line}): "results" is not an array.',
    da: 'Filen er ikke en SARIF-log (linje {line}): "results" er ikke en liste.',
  },
  'scans.sarif_tool_name': {
    en: "The file is not a SARIF log (line {line}): the run's tool has no name.",
    da: 'Filen er ikke en SARIF-log (linje {line}): kørslens værktøj har intet navn.',
  },
  'scans.sarif_version_missing': {
    en: 'The SARIF log states no version (line {line}); only SARIF 2.1.0 is read.',
    da: 'SARIF-loggen angiver ingen version (linje {line}); kun SARIF 2.1.0 kan læses.',
  },
  'scans.sarif_version': {
    en: 'The SARIF version is {version} (line {line}); only SARIF 2.1.0 is read.',
    da: 'SARIF-versionen er {version} (linje {line}); kun SARIF 2.1.0 kan læses.',
  },
  'scans.sarif_no_runs': {
    en: 'The SARIF log has no runs: there is nothing to import, not even a tool name.',
    da: 'SARIF-loggen har ingen kørsler (runs): der er intet at importere, ikke engang et værktøjsnavn.',
  },
  'scans.sarif_tool_order': {
    en: 'A run\'s results come before its tool (line {line}). Write "tool" (with the driver\'s name) before "results".',
    da: 'En kørsels resultater kommer før dens værktøj (linje {line}). Skriv "tool" (med driverens navn) før "results".',
  },
  'scans.sarif_rules_too_large': {
    en: 'The rules of the SARIF log hold more than {limit} characters (line {line}).',
    da: 'SARIF-loggens regler fylder mere end {limit} tegn (linje {line}).',
  },
  'scans.sarif_level': {
    en: 'The result at line {line} has the level {value}; SARIF knows none, note, warning and error.',
    da: 'Resultatet på linje {line} har niveauet {value}; SARIF kender none, note, warning og error.',
  },
  'scans.sarif_start_line': {
    en: 'The result at line {line} has the start line {value}; SARIF allows a whole number from 1 (at most 2147483647).',
    da: 'Resultatet på linje {line} har startlinjen {value}; SARIF tillader et helt tal fra 1 (højst 2147483647).',
  },
  'scans.sarif_result_object': {
    en: 'The result on line {line} is not a JSON object.',
    da: 'Resultatet på linje {line} er ikke et JSON-objekt.',
  },
  'scans.sarif_rule_missing': {
    en: 'The result on line {line} names no rule (ruleId).',
    da: 'Resultatet på linje {line} angiver ingen regel (ruleId).',
  },
  'scans.csv_column_unknown': {
    en: 'The header names a column "{column}" that the scan CSV does not have (see the documented columns).',
    da: 'Overskriften nævner en kolonne "{column}", som scannings-CSV\'en ikke har (se de beskrevne kolonner).',
  },
  'scans.csv_column_twice': {
    en: 'The header names the column "{column}" twice.',
    da: 'Overskriften nævner kolonnen "{column}" to gange.',
  },
  'scans.csv_cells': {
    en: 'Line {line} has {cells} cells, but the header has {columns} columns. A text with a comma must be in double quotes.',
    da: 'Linje {line} har {cells} celler, men overskriften har {columns} kolonner. En tekst med komma skal stå i dobbelte anførselstegn.',
  },
  'scans.csv_column_missing': {
    en: 'The header lacks the required columns: {columns}.',
    da: 'Overskriften mangler de påkrævede kolonner: {columns}.',
  },
  'scans.csv_required': {
    en: 'Line {line}: the column "{column}" must be filled in.',
    da: 'Linje {line}: kolonnen "{column}" skal udfyldes.',
  },
  'scans.csv_severity': {
    en: 'Line {line}: "{value}" is not a severity (info, low, medium, high or critical).',
    da: 'Linje {line}: "{value}" er ikke en alvorlighed (info, low, medium, high eller critical).',
  },
  'scans.csv_ip': {
    en: 'Line {line}: "{value}" is not an IP address.',
    da: 'Linje {line}: "{value}" er ikke en IP-adresse.',
  },
  'scans.csv_port': {
    en: 'Line {line}: "{value}" is not a port number (0–65535).',
    da: 'Linje {line}: "{value}" er ikke et portnummer (0–65535).',
  },
  'scans.csv_protocol': {
    en: 'Line {line}: "{value}" is not a protocol name (for example tcp or udp).',
    da: 'Linje {line}: "{value}" er ikke et protokolnavn (for eksempel tcp eller udp).',
  },
  'scans.csv_cvss': {
    en: 'Line {line}: "{value}" is not a CVSS score (a number from 0 to 10).',
    da: 'Linje {line}: "{value}" er ikke en CVSS-score (et tal fra 0 til 10).',
  },
  'scans.csv_cve': {
    en: 'Line {line}: "{value}" is not a CVE id (CVE-YYYY-NNNN); separate several with ";".',
    da: 'Linje {line}: "{value}" er ikke et CVE-id (CVE-ÅÅÅÅ-NNNN); adskil flere med ";".',
  },
});

/**
 * Refusals of earlier versions, which named the reason in English as `{detail}`: an import keeps
 * its refusal's code and parameters and words them when it is shown, so these stay for imports
 * refused before 2026-11-25.
 */
addMessages({
  'scans.nessus_item': {
    en: 'The ReportItem on line {line} cannot be read: {detail}.',
    da: 'ReportItem på linje {line} kan ikke læses. Læserens forklaring (på engelsk): {detail}.',
  },
  'scans.openvas_result': {
    en: 'The result on line {line} cannot be read: {detail}.',
    da: 'Resultatet på linje {line} kan ikke læses. Læserens forklaring (på engelsk): {detail}.',
  },
  'scans.not_sarif': {
    en: 'The file is not a SARIF log (line {line}): {detail}.',
    da: 'Filen er ikke en SARIF-log (linje {line}). Læserens forklaring (på engelsk): {detail}.',
  },
  'scans.sarif_result': {
    en: 'The result on line {line} cannot be read: {detail}.',
    da: 'Resultatet på linje {line} kan ikke læses. Læserens forklaring (på engelsk): {detail}.',
  },
  'scans.csv_syntax': {
    en: 'The file is not valid CSV from line {line} on: {detail}',
    da: 'Filen er ikke gyldig CSV fra linje {line}. Læserens forklaring (på engelsk): {detail}',
  },
});
