import { addMessages } from '../../lib/messages.js';

/**
 * Messages of the import framework: the API's problems and the entries of an import's error list
 * (stored as keys with parameters, shown in the reader's language).
 */
addMessages({
  'imports.kind_unknown': {
    en: 'There is no import of the kind "{kind}".',
    da: 'Der findes ingen import af typen "{kind}".',
  },
  'imports.type_not_accepted': {
    en: 'The import "{kind}" does not read files of the type {type}. It reads: {accepted}.',
    da: 'Importen "{kind}" læser ikke filer af typen {type}. Den læser: {accepted}.',
  },
  'imports.not_found': { en: 'There is no such import.', da: 'Importen findes ikke.' },
  'imports.file_empty': {
    en: 'The file is empty.',
    da: 'Filen er tom.',
  },
  'imports.no_rows': {
    en: 'The file has a header line but no data rows.',
    da: 'Filen har en overskriftslinje, men ingen datarækker.',
  },
  'imports.encoding_utf16': {
    en: 'The file is saved as UTF-16. Save it as "CSV UTF-8" and import it again.',
    da: 'Filen er gemt som UTF-16. Gem den som "CSV UTF-8" og importér den igen.',
  },
  'imports.encoding_invalid': {
    en: 'The file is not UTF-8 text (line {line}). Save it as "CSV UTF-8" and import it again.',
    da: 'Filen er ikke UTF-8-tekst (linje {line}). Gem den som "CSV UTF-8" og importér den igen.',
  },
  'imports.encoding_nul': {
    en: 'The file contains NUL bytes (line {line}): it is not a text file. Save it as "CSV UTF-8" and import it again.',
    da: 'Filen indeholder NUL-tegn (linje {line}): den er ikke en tekstfil. Gem den som "CSV UTF-8" og importér den igen.',
  },
  'imports.line_too_long': {
    en: 'Line {line} is longer than {limit} characters.',
    da: 'Linje {line} er længere end {limit} tegn.',
  },
  'imports.csv_invalid': {
    en: 'The file is not valid CSV from here on: {detail}',
    da: 'Filen er ikke gyldig CSV herfra: {detail}',
  },
  'imports.column_unknown': {
    en: 'Unknown column "{column}". Known columns: {known}.',
    da: 'Ukendt kolonne "{column}". Kendte kolonner: {known}.',
  },
  'imports.column_missing': {
    en: 'The required column "{column}" is missing.',
    da: 'Den krævede kolonne "{column}" mangler.',
  },
  'imports.column_twice': {
    en: 'The column "{column}" appears more than once.',
    da: 'Kolonnen "{column}" findes mere end én gang.',
  },
  'imports.column_unnamed': {
    en: 'Column {position} has no name.',
    da: 'Kolonne {position} har intet navn.',
  },
  'imports.field_count': {
    en: 'The row has {found} fields; the header has {expected}.',
    da: 'Rækken har {found} felter; overskriften har {expected}.',
  },
  'imports.cell_required': {
    en: 'A value is required.',
    da: 'Der skal stå en værdi.',
  },
  'imports.cell_too_long': {
    en: 'The value is longer than {max} characters.',
    da: 'Værdien er længere end {max} tegn.',
  },
  'imports.cell_one_of': {
    en: '"{value}" is not one of: {allowed}.',
    da: '"{value}" er ikke en af: {allowed}.',
  },
  'imports.cell_email': {
    en: '"{value}" is not an e-mail address.',
    da: '"{value}" er ikke en e-mailadresse.',
  },
  'imports.duplicate_key': {
    en: '"{key}" also appears in row {first}.',
    da: '"{key}" findes også i række {first}.',
  },
  'imports.failed': {
    en: 'The import failed on our side and changed nothing. The error has been logged.',
    da: 'Importen fejlede hos os og ændrede intet. Fejlen er logget.',
  },
  'imports.users.role_sector_only': {
    en: 'The role "sector_coordinator" exists only in the sector unit.',
    da: 'Rollen "sector_coordinator" findes kun i sektorenheden.',
  },
});
