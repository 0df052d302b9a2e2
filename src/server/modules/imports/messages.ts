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
  'imports.nul_character': {
    en: 'Row {row} holds a NUL character (U+0000), which text cannot hold. Remove it from the file.',
    da: 'Række {row} indeholder et NUL-tegn (U+0000), som tekst ikke kan indeholde. Fjern det fra filen.',
  },
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
  'imports.csv_quote_not_closed': {
    en: 'A cell in quotes that begins on line {line} is never closed: the file ends inside it (line {end}). Close the quote (") or remove it.',
    da: 'En celle i anførselstegn, der begynder på linje {line}, lukkes aldrig: filen slutter inde i den (linje {end}). Luk anførselstegnet (") eller fjern det.',
  },
  'imports.csv_record_too_large': {
    en: 'The record that reaches line {line} is longer than {limit} bytes. A quote that is never closed often causes this.',
    da: 'Posten, der når til linje {line}, er længere end {limit} byte. Et anførselstegn, der aldrig lukkes, er ofte årsagen.',
  },
  // Refusals stored before 2026-11-25 (an import words its refusal when it is shown).
  'imports.csv_invalid': {
    en: 'The file is not valid CSV from here on: {detail}',
    da: 'Filen er ikke gyldig CSV herfra. Læserens forklaring (på engelsk): {detail}',
  },
  'imports.gzip_invalid': {
    en: 'The file is compressed with gzip but cannot be unpacked: it is damaged or cut off.',
    da: 'Filen er komprimeret med gzip, men kan ikke pakkes ud: den er beskadiget eller afkortet.',
  },
  'imports.xlsx_not_xlsx': {
    en: 'The file is not an Excel workbook (.xlsx). Save it as "Excel Workbook (.xlsx)" or "CSV UTF-8" and import it again.',
    da: 'Filen er ikke en Excel-projektmappe (.xlsx). Gem den som "Excel-projektmappe (.xlsx)" eller "CSV UTF-8" og importér den igen.',
  },
  'imports.xlsx_old_format': {
    en: 'The file is an Excel 97-2003 workbook (.xls) or a password-protected workbook. Save it as "Excel Workbook (.xlsx)" without a password and import it again.',
    da: 'Filen er en Excel 97-2003-projektmappe (.xls) eller en adgangskodebeskyttet projektmappe. Gem den som "Excel-projektmappe (.xlsx)" uden adgangskode og importér den igen.',
  },
  'imports.xlsx_encrypted': {
    en: 'The workbook is protected with a password. Save it without a password and import it again.',
    da: 'Projektmappen er beskyttet med en adgangskode. Gem den uden adgangskode og importér den igen.',
  },
  'imports.xlsx_damaged': {
    en: 'The workbook is damaged or incomplete and cannot be read ({detail}). Open it in Excel, save it again and import it again.',
    da: 'Projektmappen er beskadiget eller ufuldstændig og kan ikke læses ({detail}). Åbn den i Excel, gem den igen og importér den igen.',
  },
  'imports.xlsx_bomb': {
    en: 'The workbook unpacks to far more data than its size suggests (more than {ratio} times its size, or more than {limit} MB in all). It is refused as a possible zip bomb; save it as "CSV UTF-8" instead.',
    da: 'Projektmappen pakkes ud til langt mere data end dens størrelse tilsiger (mere end {ratio} gange størrelsen eller over {limit} MB i alt). Den afvises som en mulig zip-bombe; gem den i stedet som "CSV UTF-8".',
  },
  'imports.xlsx_too_many_parts': {
    en: 'The workbook consists of more than {limit} parts; it is refused.',
    da: 'Projektmappen består af mere end {limit} dele; den afvises.',
  },
  'imports.xlsx_doctype': {
    en: 'The workbook part {part} contains a document type or entity declaration, which spreadsheet programs never write; it is refused for safety.',
    da: 'Projektmappens del {part} indeholder en dokumenttype- eller entitetserklæring, som regnearksprogrammer aldrig skriver; den afvises af sikkerhedshensyn.',
  },
  'imports.xlsx_too_many_columns': {
    en: 'Row {row} has values beyond column {limit}; at most {limit} columns are read.',
    da: 'Række {row} har værdier ud over kolonne {limit}; der læses højst {limit} kolonner.',
  },
  'imports.xlsx_too_many_rows': {
    en: 'The sheet has rows beyond row {limit}.',
    da: 'Arket har rækker ud over række {limit}.',
  },
  'imports.xlsx_too_much_text': {
    en: 'The workbook holds more than {limit} MB of distinct text. Split it, or save it as "CSV UTF-8", and import it again.',
    da: 'Projektmappen indeholder mere end {limit} MB forskellig tekst. Del den op, eller gem den som "CSV UTF-8", og importér den igen.',
  },
  'imports.xlsx_no_sheet': {
    en: 'The workbook has no worksheet.',
    da: 'Projektmappen har intet regneark.',
  },
  'imports.xlsx_formula_uncached': {
    en: 'Cell {cell} holds a formula without a saved result. Open the file in Excel, let it calculate, save it and import it again.',
    da: 'Celle {cell} indeholder en formel uden gemt resultat. Åbn filen i Excel, lad den beregne, gem den og importér den igen.',
  },
  'imports.xlsx_cell_error': {
    en: 'Cell {cell} holds the error {error}.',
    da: 'Celle {cell} indeholder fejlen {error}.',
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
  'imports.inline_interrupted': {
    en: 'The import was interrupted: the server stopped while it ran, and it changed nothing. Send it again.',
    da: 'Importen blev afbrudt: serveren stoppede, mens den kørte, og den ændrede intet. Send den igen.',
  },
  'imports.abandoned': {
    en: 'The import was given up: each of its tries was cut off before it ended (the server stopped, or it ran past its time limit), and it changed nothing. Send it again; if this happens again, tell your administrator.',
    da: 'Importen blev opgivet: hvert forsøg på den blev afbrudt, før den var færdig (serveren stoppede, eller den løb over sin tidsgrænse), og den ændrede intet. Send den igen; sker det igen, så sig det til din administrator.',
  },
  'imports.users.role_sector_only': {
    en: 'The role "sector_coordinator" exists only in the sector unit.',
    da: 'Rollen "sector_coordinator" findes kun i sektorenheden.',
  },
});
