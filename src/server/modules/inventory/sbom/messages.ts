import { addMessages } from '../../../lib/messages.js';

/**
 * Messages of the CycloneDX reader: why a file is refused, and the problems of one component.
 * Each error names where: `{where}` is a line and column (XML) or a path such as
 * `components[12].purl` (JSON, and XML too for component fields).
 */
export const sbomMessages = {
  'sbom.empty': { en: 'The file is empty.', da: 'Filen er tom.' },
  'sbom.format_unknown': {
    en: 'The file is neither JSON nor XML, so it cannot be a CycloneDX SBOM ({where}).',
    da: 'Filen er hverken JSON eller XML og kan derfor ikke være en CycloneDX-SBOM ({where}).',
  },
  'sbom.encoding_utf16': {
    en: 'The file is saved as UTF-16 or UTF-32. Save it as UTF-8 and import it again.',
    da: 'Filen er gemt som UTF-16 eller UTF-32. Gem den som UTF-8 og importér den igen.',
  },
  'sbom.encoding_invalid': {
    en: 'The file is not valid UTF-8 text ({where}). Save it as UTF-8 and import it again.',
    da: 'Filen er ikke gyldig UTF-8-tekst ({where}). Gem den som UTF-8 og importér den igen.',
  },
  'sbom.encoding_declared': {
    en: 'The XML declaration names the encoding "{encoding}"; only UTF-8 is read ({where}).',
    da: 'XML-erklæringen angiver tegnsættet "{encoding}"; kun UTF-8 kan læses ({where}).',
  },
  'sbom.xml_doctype': {
    en: 'The XML file contains a document type declaration (DOCTYPE) at {where}. It is refused: such declarations can define entities that read other files or expand without end.',
    da: 'XML-filen indeholder en dokumenttypeerklæring (DOCTYPE) ved {where}. Den afvises: sådanne erklæringer kan definere entiteter, der læser andre filer eller udvider sig uden ende.',
  },
  'sbom.xml_syntax': {
    en: 'The XML is not well-formed at {where}: {detail}',
    da: 'XML-filen er ikke velformet ved {where}: {detail}',
  },
  'sbom.json_syntax': {
    en: 'The JSON is not valid at {where}: {detail}',
    da: 'JSON-filen er ikke gyldig ved {where}: {detail}',
  },
  'sbom.not_cyclonedx': {
    en: 'The file is not a CycloneDX SBOM: {detail} ({where}).',
    da: 'Filen er ikke en CycloneDX-SBOM: {detail} ({where}).',
  },
  'sbom.spec_version_missing': {
    en: 'The SBOM does not state its CycloneDX version (specVersion) ({where}).',
    da: 'SBOM-filen angiver ikke sin CycloneDX-version (specVersion) ({where}).',
  },
  'sbom.spec_version_unsupported': {
    en: 'CycloneDX version {version} is not supported; versions 1.2 to 1.6 are read ({where}).',
    da: 'CycloneDX version {version} understøttes ikke; version 1.2 til 1.6 kan læses ({where}).',
  },
  'sbom.header_late': {
    en: 'bomFormat and specVersion must come before the components; {count} components were read without them ({where}).',
    da: 'bomFormat og specVersion skal stå før komponenterne; {count} komponenter blev læst uden dem ({where}).',
  },
  'sbom.structure': {
    en: 'Unexpected content at {where}: {detail}',
    da: 'Uventet indhold ved {where}: {detail}',
  },
  'sbom.too_large': {
    en: 'The file is larger than the limit of {limit} bytes.',
    da: 'Filen er større end grænsen på {limit} bytes.',
  },
  'sbom.too_slow': {
    en: 'Reading the file took longer than the limit of {limit} ms ({where}).',
    da: 'Læsningen af filen tog længere end grænsen på {limit} ms ({where}).',
  },
  'sbom.too_many_components': {
    en: 'The SBOM has more than {limit} components ({where}).',
    da: 'SBOM-filen har mere end {limit} komponenter ({where}).',
  },
  'sbom.too_deep': {
    en: 'The file is nested deeper than {limit} levels ({where}).',
    da: 'Filen er indlejret dybere end {limit} niveauer ({where}).',
  },
  'sbom.value_too_large': {
    en: 'The value at {where} is larger than the limit of {limit} entries.',
    da: 'Værdien ved {where} er større end grænsen på {limit} elementer.',
  },
  'sbom.value_too_long': {
    en: 'The value at {where} is longer than {limit} characters.',
    da: 'Værdien ved {where} er længere end {limit} tegn.',
  },
  'sbom.name_missing': {
    en: 'The component at {where} has no name.',
    da: 'Komponenten ved {where} har intet navn.',
  },
  'sbom.purl_invalid': {
    en: 'The package URL "{purl}" at {where} is not valid: {detail}',
    da: 'Pakke-URL\'en "{purl}" ved {where} er ikke gyldig: {detail}',
  },
  'sbom.cpe_invalid': {
    en: 'The CPE "{cpe}" at {where} is neither a CPE 2.3 formatted string nor a CPE 2.2 URI.',
    da: 'CPE\'en "{cpe}" ved {where} er hverken en CPE 2.3-streng eller en CPE 2.2-URI.',
  },
  'sbom.field_type': {
    en: 'The field at {where} should be {expected}.',
    da: 'Feltet ved {where} skal være {expected}.',
  },
} as const;

addMessages(sbomMessages);

export type SbomMessageKey = keyof typeof sbomMessages;
