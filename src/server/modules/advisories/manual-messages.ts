import { addMessages } from '../../lib/messages.js';

/** Messages of advisories written by hand (manual-*.ts), in Danish and English. */
addMessages({
  'advisories.manual_invalid': {
    en: 'The advisory cannot be saved: {first}',
    da: 'Advisoryen kan ikke gemmes: {first}',
  },
  'advisories.manual_not_coordinator': {
    en: 'Only the sector coordinator writes advisories.',
    da: 'Kun sektorkoordinatoren skriver advisories.',
  },
  'advisories.manual_not_found': {
    en: 'There is no advisory written by hand in your sector unit with the id "{id}".',
    da: 'Der findes ingen håndskrevet advisory i jeres sektorenhed med id\'et "{id}".',
  },
  'advisories.manual_conflict': {
    en: 'Someone saved this advisory while you edited it (version {version}). Open it again and repeat your changes.',
    da: 'En anden gemte advisoryen, mens du redigerede den (version {version}). Åbn den igen, og gentag dine ændringer.',
  },
  'advisories.manual_failed': {
    en: 'The advisory could not be saved because of an error in Værn. Nothing was changed; try again.',
    da: 'Advisoryen kunne ikke gemmes på grund af en fejl i Værn. Intet blev ændret; prøv igen.',
  },
  'advisories.manual_namespace_reserved': {
    en: 'The publisher namespace "{namespace}" belongs to advisories written by hand in Værn; an imported file cannot use it.',
    da: 'Udgivernavnerummet "{namespace}" tilhører advisories skrevet i hånden i Værn; en importeret fil kan ikke bruge det.',
  },
  'advisories.manual_audience_required': {
    en: 'A TLP:{tlp} advisory needs an audience: name the organisations that may read it.',
    da: 'En TLP:{tlp}-advisory skal have modtagere: angiv de organisationer, der må læse den.',
  },
  'advisories.manual_cve_invalid': {
    en: '"{cve}" is not a CVE id (CVE-YYYY-NNNN).',
    da: '"{cve}" er ikke et CVE-id (CVE-ÅÅÅÅ-NNNN).',
  },
  'advisories.manual_vulnerability_unnamed': {
    en: 'Each vulnerability needs a CVE id or a vendor id.',
    da: 'Hver sårbarhed skal have et CVE-id eller et leverandør-id.',
  },
  'advisories.manual_vulnerability_twice': {
    en: 'The vulnerability {ref} is listed twice.',
    da: 'Sårbarheden {ref} står der to gange.',
  },
  'advisories.manual_cvss_incomplete': {
    en: 'Give both the CVSS vector and its base score, or neither.',
    da: 'Angiv både CVSS-vektoren og dens basisscore, eller ingen af dem.',
  },
  'advisories.manual_cvss_invalid': {
    en: '"{vector}" is not a CVSS 3.0 or 3.1 vector (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H).',
    da: '"{vector}" er ikke en CVSS 3.0- eller 3.1-vektor (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H).',
  },
  'advisories.manual_product_unnamed': {
    en: 'Each product needs a vendor and a product name, a CPE or a package URL.',
    da: 'Hvert produkt skal have en leverandør og et produktnavn, en CPE eller en pakke-URL.',
  },
  'advisories.manual_versions_need_name': {
    en: 'Versions and model numbers need the vendor and product name.',
    da: 'Versioner og modelnumre kræver leverandør og produktnavn.',
  },
  'advisories.manual_cpe_invalid': {
    en: '"{cpe}" is not a CPE 2.3 name (cpe:2.3:part:vendor:product:version:…, 13 parts).',
    da: '"{cpe}" er ikke et CPE 2.3-navn (cpe:2.3:part:vendor:product:version:…, 13 dele).',
  },
  'advisories.manual_purl_invalid': {
    en: '"{purl}" is not a package URL (pkg:type/namespace/name@version).',
    da: '"{purl}" er ikke en pakke-URL (pkg:type/namespace/name@version).',
  },
  'advisories.manual_versions_unread': {
    en: 'The versions "{versions}" cannot be read with one clear meaning. Write e.g. "< 4.2", "<= R1.23.0", ">= 1.0.0 | <= 1.1.1", "2.1.0", "all versions" or a vers range (vers:npm/<4.17.21).',
    da: 'Versionerne "{versions}" kan ikke læses entydigt. Skriv f.eks. "< 4.2", "<= R1.23.0", ">= 1.0.0 | <= 1.1.1", "2.1.0", "all versions" eller et vers-interval (vers:npm/<4.17.21).',
  },
});
