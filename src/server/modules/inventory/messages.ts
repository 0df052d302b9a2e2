import { addMessages } from '../../lib/messages.js';

/** The inventory module's messages for people, in Danish and English (API problems and import errors). */
addMessages({
  'inventory.cell_key': {
    en: 'The key "{value}" contains "/" or a control character.',
    da: 'Nøglen "{value}" indeholder "/" eller et kontroltegn.',
  },
  'inventory.cell_date': {
    en: '"{value}" is not a date in the form YYYY-MM-DD.',
    da: '"{value}" er ikke en dato på formen ÅÅÅÅ-MM-DD.',
  },
  'inventory.cell_boolean': {
    en: '"{value}" is not true or false.',
    da: '"{value}" er hverken true eller false.',
  },
  'inventory.cell_hours': {
    en: '"{value}" is not a number of hours (for example 4 or 0.25).',
    da: '"{value}" er ikke et antal timer (for eksempel 4 eller 0.25).',
  },
  'inventory.cell_cidr': {
    en: '"{value}" is not an IP address or a CIDR range.',
    da: '"{value}" er hverken en IP-adresse eller et CIDR-interval.',
  },
  'inventory.cell_cidr_host': {
    en: '"{value}" has bits set to the right of its prefix: write the network address (for example 10.20.0.0/24).',
    da: '"{value}" har bit sat til højre for præfikset: skriv netværksadressen (for eksempel 10.20.0.0/24).',
  },
  'inventory.cell_cpe': {
    en: '"{value}" is not a CPE 2.3 name (cpe:2.3:part:vendor:product:version:… with 13 parts).',
    da: '"{value}" er ikke et CPE 2.3-navn (cpe:2.3:part:vendor:product:version:… med 13 dele).',
  },
  'inventory.cell_purl': {
    en: '"{value}" is not a package URL (pkg:type/name@version).',
    da: '"{value}" er ikke en pakke-URL (pkg:type/name@version).',
  },
  'inventory.cell_hostname': {
    en: '"{value}" is not a host name.',
    da: '"{value}" er ikke et værtsnavn.',
  },
  'inventory.cell_list_separator': {
    en: '"{value}" contains ";", which separates the values of a list.',
    da: '"{value}" indeholder ";", som adskiller værdierne i en liste.',
  },
  'inventory.cell_list_long': {
    en: 'The list has more than {max} values.',
    da: 'Listen har mere end {max} værdier.',
  },
  'inventory.cell_shared_ref': {
    en: '"{value}" is not a shared-system reference: write the owner organisation\'s slug, "/" and the key (for example sundhedsplatform/EPJ).',
    da: '"{value}" er ikke en henvisning til et fælles system: skriv ejerorganisationens slug, "/" og nøglen (for eksempel sundhedsplatform/EPJ).',
  },
  'inventory.owner_unknown': {
    en: '"{value}" is not a member of the organisation.',
    da: '"{value}" er ikke medlem af organisationen.',
  },
  'inventory.shared_unknown': {
    en: 'There is no shared system "{value}" (another organisation\'s system that its owner shares).',
    da: 'Der findes intet fælles system "{value}" (en anden organisations system, som ejeren deler).',
  },
  'inventory.shared_and_linked': {
    en: 'A system cannot be shared and at the same time be the local use of another shared system.',
    da: 'Et system kan ikke både være delt og samtidig være lokal brug af et andet fælles system.',
  },
  'inventory.system_unknown': {
    en: 'There is no system "{value}" in the register.',
    da: 'Der findes intet system "{value}" i registret.',
  },
  'inventory.reference_unknown': {
    en: 'There is no {value} in the register.',
    da: 'Der findes ingen {value} i registret.',
  },
  'inventory.dependency_pair': {
    en: 'The register holds no dependency {value}: a process depends on systems, a system on systems and suppliers.',
    da: 'Registret rummer ingen afhængighed {value}: en proces afhænger af systemer, et system af systemer og leverandører.',
  },
  'inventory.dependency_self': {
    en: 'The system "{value}" cannot depend on itself.',
    da: 'Systemet "{value}" kan ikke afhænge af sig selv.',
  },
  'inventory.dependency_twice': {
    en: 'The same dependency also appears in row {first}.',
    da: 'Den samme afhængighed findes også i række {first}.',
  },
  'inventory.dependency_exists': {
    en: 'This dependency is already registered.',
    da: 'Denne afhængighed er allerede registreret.',
  },
  'inventory.key_taken': {
    en: 'The key "{key}" is already used in this register.',
    da: 'Nøglen "{key}" er allerede brugt i dette register.',
  },
  'inventory.shared_in_use': {
    en: 'Other organisations link to this shared system, so it cannot be deleted.',
    da: 'Andre organisationer henviser til dette fælles system, så det kan ikke slettes.',
  },
  'inventory.register_unknown': {
    en: 'There is no register "{register}".',
    da: 'Der findes intet register "{register}".',
  },
});
