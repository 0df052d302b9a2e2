import { addMessages } from '../../lib/messages.js';

addMessages({
  'backup.not_a_backup': {
    en: 'This file is not a Værn backup.',
    da: 'Denne fil er ikke en Værn-sikkerhedskopi.',
  },
  'backup.unsupported_version': {
    en: 'This backup has format version {version}; this Værn reads version {supported}.',
    da: 'Denne sikkerhedskopi har formatversion {version}; denne Værn læser version {supported}.',
  },
  'backup.wrong_secret': {
    en: 'This backup was made with a different VAERN_SECRET. Restore needs the secret of the instance that made it. Nothing was restored.',
    da: 'Denne sikkerhedskopi blev lavet med en anden VAERN_SECRET. Gendannelse kræver hemmeligheden fra den instans, der lavede den. Intet blev gendannet.',
  },
  'backup.damaged': {
    en: 'The backup file is damaged or was altered (part {frame} failed its authentication). Nothing was restored.',
    da: 'Sikkerhedskopien er beskadiget eller ændret (del {frame} kunne ikke godkendes). Intet blev gendannet.',
  },
  'backup.trailing_data': {
    en: 'The backup file has data after its last part: it was altered. Nothing was restored.',
    da: 'Sikkerhedskopien har data efter sin sidste del: den er ændret. Intet blev gendannet.',
  },
  'backup.truncated': {
    en: 'The backup file is incomplete: it ends before its last part. Nothing was restored.',
    da: 'Sikkerhedskopien er ufuldstændig: den slutter før sin sidste del. Intet blev gendannet.',
  },
  'backup.failed_at_source': {
    en: 'The backup failed while it was being made, and the file is not usable: {reason}',
    da: 'Sikkerhedskopieringen mislykkedes undervejs, og filen kan ikke bruges: {reason}',
  },
  'backup.malformed': {
    en: 'The backup decrypts but its contents are not valid ({detail}). Nothing was restored.',
    da: 'Sikkerhedskopien kan dekrypteres, men indholdet er ugyldigt ({detail}). Intet blev gendannet.',
  },
  'backup.newer_schema': {
    en: 'This backup was made by a newer Værn (database schema {schema}); this Værn knows the schema up to {latest}. Upgrade Værn, then restore.',
    da: 'Denne sikkerhedskopi blev lavet af en nyere Værn (databaseskema {schema}); denne Værn kender skemaet op til {latest}. Opgrader Værn, og gendan derefter.',
  },
  'backup.target_not_empty': {
    en: 'Restore needs an empty instance, but this one already has rows in: {tables}. Restore into a new data directory or an empty database.',
    da: 'Gendannelse kræver en tom instans, men denne har allerede rækker i: {tables}. Gendan til en ny datamappe eller en tom database.',
  },
  'backup.table_missing': {
    en: 'The backup has a table "{table}" that this instance does not have.',
    da: 'Sikkerhedskopien har en tabel "{table}", som denne instans ikke har.',
  },
  'backup.column_missing': {
    en: 'The backup has a column "{column}" in table "{table}" that this instance does not have.',
    da: 'Sikkerhedskopien har en kolonne "{column}" i tabellen "{table}", som denne instans ikke har.',
  },
  'backup.not_readable': {
    en: 'Table "{table}" cannot be read in full by the maintenance role vaern_definer (a grant or policy is missing), so a backup would miss rows. Fix its migration.',
    da: 'Tabellen "{table}" kan ikke læses fuldt af vedligeholdelsesrollen vaern_definer (der mangler en rettighed eller politik), så en sikkerhedskopi ville mangle rækker. Ret dens migrering.',
  },
  'backup.not_writable': {
    en: 'Table "{table}" cannot be written by the maintenance role vaern_definer (a grant or policy is missing). Nothing was restored.',
    da: 'Tabellen "{table}" kan ikke skrives af vedligeholdelsesrollen vaern_definer (der mangler en rettighed eller politik). Intet blev gendannet.',
  },
  'backup.count_mismatch': {
    en: 'Table "{table}": {actual} rows where the backup records {expected}. Nothing was restored.',
    da: 'Tabellen "{table}": {actual} rækker, hvor sikkerhedskopien angiver {expected}. Intet blev gendannet.',
  },
  'backup.checksum_mismatch': {
    en: 'Table "{table}": the rows do not match the backup\'s checksum. Nothing was restored.',
    da: 'Tabellen "{table}": rækkerne passer ikke med sikkerhedskopiens kontrolsum. Intet blev gendannet.',
  },
});
