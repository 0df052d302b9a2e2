import { addMessages } from '../../lib/messages.js';

/**
 * The advisories module's messages in Danish and English. `advisories.csaf_*`: why a CSAF file was
 * refused (csaf/refusal.ts); each refusal also lists its issues (document path, schema rule).
 */
addMessages({
  'advisories.csaf_empty': {
    en: 'The file is empty.',
    da: 'Filen er tom.',
  },
  'advisories.csaf_too_large': {
    en: 'The file is {size} bytes; a CSAF advisory may be at most {limit}.',
    da: 'Filen fylder {size} byte; en CSAF-advisory må højst fylde {limit}.',
  },
  'advisories.csaf_encoding_utf16': {
    en: 'The file is saved as UTF-16 (or UTF-32). CSAF advisories are UTF-8: save or export it as UTF-8 and import it again.',
    da: 'Filen er gemt som UTF-16 (eller UTF-32). CSAF-advisories er UTF-8: gem eller eksportér den som UTF-8, og importér den igen.',
  },
  'advisories.csaf_encoding_invalid': {
    en: 'The file is not UTF-8 text: line {line} has bytes that are not UTF-8 (or NUL characters). A CSAF advisory is a JSON text file; this may be a binary file.',
    da: 'Filen er ikke UTF-8-tekst: linje {line} har byte, der ikke er UTF-8 (eller NUL-tegn). En CSAF-advisory er en JSON-tekstfil; dette kan være en binær fil.',
  },
  'advisories.csaf_binary': {
    en: 'The file is a {kind} file, not a CSAF advisory. A CSAF advisory is a JSON text file: unpack or export it first.',
    da: 'Filen er en {kind}-fil, ikke en CSAF-advisory. En CSAF-advisory er en JSON-tekstfil: pak den ud eller eksportér den først.',
  },
  'advisories.csaf_markup': {
    en: 'The file is XML or HTML (it begins "{start}"), not JSON. Only CSAF 2.0 advisories in JSON are read; the older XML format (CVRF) and web pages are not.',
    da: 'Filen er XML eller HTML (den begynder "{start}"), ikke JSON. Kun CSAF 2.0-advisories i JSON kan læses; det ældre XML-format (CVRF) og websider kan ikke.',
  },
  'advisories.csaf_json_syntax': {
    en: 'The file is not valid JSON (line {line}, column {column}): {detail}',
    da: 'Filen er ikke gyldig JSON (linje {line}, kolonne {column}): {detail}',
  },
  'advisories.csaf_json_syntax_unplaced': {
    en: 'The file is not valid JSON: {detail}',
    da: 'Filen er ikke gyldig JSON: {detail}',
  },
  'advisories.csaf_too_deep': {
    en: 'The file nests deeper than {limit} levels (line {line}, column {column}); no CSAF advisory does.',
    da: 'Filen er indlejret dybere end {limit} niveauer (linje {line}, kolonne {column}); det er ingen CSAF-advisory.',
  },
  'advisories.csaf_not_object': {
    en: 'The file is JSON but not a CSAF advisory: its top level is {kind}, where an object ({ … }) was expected.',
    da: 'Filen er JSON, men ikke en CSAF-advisory: dens øverste niveau er {kind}, hvor et objekt ({ … }) var ventet.',
  },
  'advisories.csaf_version_unsupported': {
    en: 'The advisory is CSAF version "{version}"; only CSAF 2.0 is read.',
    da: 'Advisoryen er CSAF version "{version}"; kun CSAF 2.0 kan læses.',
  },
  'advisories.csaf_schema': {
    en: 'The advisory does not follow the CSAF 2.0 schema ({count} errors). The first: {path}: {reason:validation} (schema rule {schema_path})',
    da: 'Advisoryen følger ikke CSAF 2.0-skemaet ({count} fejl). Den første: {path}: {reason:validation} (skemaregel {schema_path})',
  },
  'advisories.csaf_rule': {
    en: '{reason:validation} (schema rule {schema_path})',
    da: '{reason:validation} (skemaregel {schema_path})',
  },
  'advisories.csaf_product_undefined': {
    en: 'The product id "{id}" is not defined in the product tree.',
    da: 'Produkt-id\'et "{id}" er ikke defineret i produkttræet.',
  },
  'advisories.csaf_group_undefined': {
    en: 'The product group "{id}" is not defined in the product tree.',
    da: 'Produktgruppen "{id}" er ikke defineret i produkttræet.',
  },
  'advisories.csaf_product_defined_before': {
    en: 'The product id "{id}" is already defined at {first}.',
    da: 'Produkt-id\'et "{id}" er allerede defineret ved {first}.',
  },
  'advisories.csaf_group_defined_before': {
    en: 'The product group "{id}" is already defined at {first}.',
    da: 'Produktgruppen "{id}" er allerede defineret ved {first}.',
  },
  // Refusals stored before 2026-11-25 named the schema's reason in English (`detail`).
  'advisories.csaf_invalid': {
    en: 'The advisory does not follow the CSAF 2.0 schema ({count} errors). The first: {path}: {detail} (schema rule {schema_path}).',
    da: 'Advisoryen følger ikke CSAF 2.0-skemaet ({count} fejl). Den første: {path}: {detail} (skemaregel {schema_path}).',
  },
  'advisories.csaf_product_duplicate': {
    en: 'The product tree defines the product id "{id}" more than once ({count} ids in all are defined twice or more).',
    da: 'Produkttræet definerer produkt-id\'et "{id}" mere end én gang ({count} id\'er i alt er defineret flere gange).',
  },
  'advisories.csaf_group_duplicate': {
    en: 'The product tree defines the product group "{id}" more than once ({count} groups in all are defined twice or more).',
    da: 'Produkttræet definerer produktgruppen "{id}" mere end én gang ({count} grupper i alt er defineret flere gange).',
  },
  'advisories.csaf_product_unknown': {
    en: 'The advisory refers to product ids that its product tree does not define ({count} references). The first: "{id}" at {path}.',
    da: 'Advisoryen henviser til produkt-id\'er, som dens produkttræ ikke definerer ({count} henvisninger). Den første: "{id}" i {path}.',
  },
  'advisories.csaf_group_unknown': {
    en: 'The advisory refers to product groups that its product tree does not define ({count} references). The first: "{id}" at {path}.',
    da: 'Advisoryen henviser til produktgrupper, som dens produkttræ ikke definerer ({count} henvisninger). Den første: "{id}" i {path}.',
  },
});
