import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../server/context.js';
import { type Tx, withTenant } from '../server/db/tenant.js';
import type { Actor, OrgKind } from '../server/lib/actor.js';
import { recordAudit } from '../server/modules/audit/record.js';
import { daysBefore } from './demo-contacts.js';

/**
 * The demo sector's inventory (issue 4): a few hundred systems per region, a few dozen per
 * hospital, a handful for every smaller organisation, with processes, suppliers, components and
 * dependencies; legacy systems and medical devices; three shared systems (two national records
 * owned by the sector unit, Sundhedsplatformen owned by Region Hovedstaden) that others link to
 * with their own criticality and baseline; and a baseline with deliberate, different gaps per
 * region, so that the scorecard shows a mix:
 *
 * - Region Hovedstaden: criticality assessed and MFA on practically every critical system
 *   (criteria 2 and 5 pass), restore tests mostly missing or old (10 fails).
 * - Region Sjælland: contingency plans everywhere, but few tested in the last year (8 fails);
 *   restore procedures documented (9 passes).
 * - Region Syddanmark: criticality assessed and segmentation in order (2, 6 pass); patching is
 *   good, but its unsupported legacy systems keep 7 below the bar; MFA behind.
 * - Region Midtjylland: many health-data systems without an assessed criticality (2 fails),
 *   MFA and tested contingency plans (5, 8 pass).
 * - Region Nordjylland: many legacy systems, patching far behind (7 fails), restore
 *   procedures and restore tests in order (9, 10 pass).
 *
 * No organisation's inventory is confirmed by management (criterion 1 fails everywhere): signing
 * takes a management person's current TOTP code, and the demo leaves that step to be tried.
 *
 * Everything is generated from a seeded PRNG per organisation (no Math.random): the same day
 * gives the same inventory. Dates are relative to the day of seeding, like the contacts'.
 * Names and products are Danish and realistic; suppliers are fictitious (`.example`), host names,
 * FQDNs and addresses are in private ranges and `.example` domains.
 */

export type Criticality = 'critical' | 'high' | 'medium' | 'low';

/** A system row as the seed inserts it (the columns of inventory_systems, snake_case). */
export interface DemoSystemRow {
  key: string;
  name: string;
  /** E-mail of the owner: a system owner of the organisation (resolved to its id at insert). */
  owner_email: string | null;
  health_data: boolean;
  health_data_categories: string[];
  criticality: Criticality | null;
  assessed_by: string | null;
  assessed_on: string | null;
  mtd_hours: number | null;
  rto_hours: number | null;
  rpo_hours: number | null;
  legacy: boolean;
  medical_device: boolean;
  vendor: string | null;
  product: string | null;
  model_number: string | null;
  version: string | null;
  cpe: string | null;
  purl: string | null;
  hosting: string | null;
  hostnames: string[];
  ip_addresses: string[];
  fqdns: string[];
  mfa: boolean | null;
  mfa_on: string | null;
  mfa_note: string | null;
  segmented: boolean | null;
  segmented_on: string | null;
  patch_status: 'current' | 'behind' | null;
  patch_confirmed_on: string | null;
  patch_note: string | null;
  endpoint_protection: boolean | null;
  endpoint_protection_on: string | null;
  backup: boolean | null;
  backup_on: string | null;
  contingency_plan: boolean | null;
  contingency_tested_on: string | null;
  contingency_note: string | null;
  restore_procedure: boolean | null;
  restore_procedure_on: string | null;
  restore_procedure_link: string | null;
  restore_tested_on: string | null;
  restore_result: 'success' | 'partial' | 'failed' | null;
  restore_test_note: string | null;
  shared: boolean;
  /** A link to another organisation's shared record: `{ org: slug, key }`. */
  link: { org: string; key: string } | null;
}

export interface DemoComponentRow {
  key: string;
  system: string;
  vendor: string | null;
  product: string | null;
  version: string | null;
  model_number: string | null;
  cpe: string | null;
  purl: string | null;
}

export interface DemoProcessRow {
  key: string;
  name: string;
  importance: Criticality;
  description: string;
}

export interface DemoSupplierRow {
  key: string;
  name: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  notes: string | null;
}

export interface DemoDependencyRow {
  from_type: 'process' | 'system';
  from_key: string;
  to_type: 'system' | 'supplier';
  to_key: string;
}

export interface DemoInventory {
  org: string;
  systems: DemoSystemRow[];
  components: DemoComponentRow[];
  processes: DemoProcessRow[];
  suppliers: DemoSupplierRow[];
  dependencies: DemoDependencyRow[];
}

// A small seeded PRNG ------------------------------------------------------------------------

/** mulberry32 seeded with an FNV-1a hash of the organisation's slug. */
function prng(seed: string) {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
type Rnd = ReturnType<typeof prng>;

// Components: real-looking CPE 2.3 names and package URLs ------------------------------------

interface Comp {
  vendor: string;
  product: string;
  version: string;
  cpe: string | null;
  purl: string | null;
}
const comp = (
  vendor: string,
  product: string,
  version: string,
  cpe: string | null,
  purl: string | null = null,
) => ({
  vendor,
  product,
  version,
  cpe,
  purl,
});

// biome-ignore format: one entry per line reads as a table
const COMPONENTS = {
  ws2012r2: comp('Microsoft', 'Windows Server 2012 R2', '6.3.9600', 'cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*'),
  ws2016: comp('Microsoft', 'Windows Server 2016', '1607', 'cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*'),
  ws2019: comp('Microsoft', 'Windows Server 2019', '1809', 'cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*'),
  ws2022: comp('Microsoft', 'Windows Server 2022', '21H2', 'cpe:2.3:o:microsoft:windows_server_2022:-:*:*:*:*:*:*:*'),
  win7: comp('Microsoft', 'Windows 7 Embedded', 'SP1', 'cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*'),
  winxp: comp('Microsoft', 'Windows XP Embedded', 'SP3', 'cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*'),
  win10iot: comp('Microsoft', 'Windows 10 IoT Enterprise LTSC', '1809', 'cpe:2.3:o:microsoft:windows_10_1809:-:*:*:*:*:*:*:*'),
  rhel8: comp('Red Hat', 'Enterprise Linux', '8.8', 'cpe:2.3:o:redhat:enterprise_linux:8.8:*:*:*:*:*:*:*'),
  rhel7: comp('Red Hat', 'Enterprise Linux', '7.9', 'cpe:2.3:o:redhat:enterprise_linux:7.9:*:*:*:*:*:*:*'),
  sql2012: comp('Microsoft', 'SQL Server 2012', 'SP4', 'cpe:2.3:a:microsoft:sql_server:2012:sp4:*:*:*:*:*:*'),
  sql2019: comp('Microsoft', 'SQL Server 2019', 'CU25', 'cpe:2.3:a:microsoft:sql_server:2019:*:*:*:*:*:*:*'),
  oracle19: comp('Oracle', 'Database Server', '19c', 'cpe:2.3:a:oracle:database_server:19c:*:*:*:*:*:*:*'),
  pg12: comp('PostgreSQL', 'PostgreSQL', '12.17', 'cpe:2.3:a:postgresql:postgresql:12.17:*:*:*:*:*:*:*', 'pkg:generic/postgresql@12.17'),
  openssl102: comp('OpenSSL', 'OpenSSL', '1.0.2u', 'cpe:2.3:a:openssl:openssl:1.0.2u:*:*:*:*:*:*:*', 'pkg:generic/openssl@1.0.2u'),
  openssl30: comp('OpenSSL', 'OpenSSL', '3.0.13', 'cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*', 'pkg:generic/openssl@3.0.13'),
  httpd: comp('Apache Software Foundation', 'HTTP Server', '2.4.58', 'cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*', 'pkg:generic/apache/httpd@2.4.58'),
  httpd_old: comp('Apache Software Foundation', 'HTTP Server', '2.4.29', 'cpe:2.3:a:apache:http_server:2.4.29:*:*:*:*:*:*:*', 'pkg:generic/apache/httpd@2.4.29'),
  tomcat: comp('Apache Software Foundation', 'Tomcat', '9.0.85', 'cpe:2.3:a:apache:tomcat:9.0.85:*:*:*:*:*:*:*', 'pkg:maven/org.apache.tomcat/tomcat-catalina@9.0.85'),
  log4j: comp('Apache Software Foundation', 'Log4j', '2.17.1', 'cpe:2.3:a:apache:log4j:2.17.1:*:*:*:*:*:*:*', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1'),
  spring: comp('VMware', 'Spring Framework', '5.3.31', 'cpe:2.3:a:vmware:spring_framework:5.3.31:*:*:*:*:*:*:*', 'pkg:maven/org.springframework/spring-core@5.3.31'),
  jre8: comp('Oracle', 'Java Runtime Environment', '1.8.0_202', 'cpe:2.3:a:oracle:jre:1.8.0:update_202:*:*:*:*:*:*'),
  dotnet48: comp('Microsoft', '.NET Framework', '4.8', 'cpe:2.3:a:microsoft:.net_framework:4.8:*:*:*:*:*:*:*'),
  iis85: comp('Microsoft', 'Internet Information Services', '8.5', 'cpe:2.3:a:microsoft:internet_information_services:8.5:*:*:*:*:*:*:*'),
  nginx: comp('F5', 'nginx', '1.24.0', 'cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*', 'pkg:generic/nginx@1.24.0'),
  jquery: comp('OpenJS Foundation', 'jQuery', '1.12.4', 'cpe:2.3:a:jquery:jquery:1.12.4:*:*:*:*:*:*:*', 'pkg:npm/jquery@1.12.4'),
  citrix: comp('Citrix', 'Virtual Apps and Desktops', '2203 LTSR', 'cpe:2.3:a:citrix:virtual_apps_and_desktops:2203:*:*:*:ltsr:*:*:*'),
  esxi: comp('VMware', 'ESXi', '7.0 U3', 'cpe:2.3:o:vmware:esxi:7.0:update_3:*:*:*:*:*:*'),
  panos: comp('Palo Alto Networks', 'PAN-OS', '10.2.9', 'cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:*:*:*:*:*:*:*'),
  fortios: comp('Fortinet', 'FortiOS', '7.2.7', 'cpe:2.3:o:fortinet:fortios:7.2.7:*:*:*:*:*:*:*'),
  asa: comp('Cisco', 'Adaptive Security Appliance Software', '9.8.4', 'cpe:2.3:o:cisco:adaptive_security_appliance_software:9.8.4:*:*:*:*:*:*:*'),
  veeam: comp('Veeam', 'Backup & Replication', '11.0.1.1261', 'cpe:2.3:a:veeam:backup_\\&_replication:11.0.1.1261:*:*:*:*:*:*:*'),
  exchange2016: comp('Microsoft', 'Exchange Server 2016', 'CU23', 'cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_23:*:*:*:*:*:*'),
  biztalk: comp('Microsoft', 'BizTalk Server 2013 R2', 'CU9', 'cpe:2.3:a:microsoft:biztalk_server:2013:r2:*:*:*:*:*:*'),
  php74: comp('PHP Group', 'PHP', '7.4.33', 'cpe:2.3:a:php:php:7.4.33:*:*:*:*:*:*:*', 'pkg:generic/php@7.4.33'),
} satisfies Record<string, Comp>;
type CompKey = keyof typeof COMPONENTS;

// Suppliers (fictitious) ---------------------------------------------------------------------

// biome-ignore format: one entry per line reads as a table
const SUPPLIERS: Record<string, Omit<DemoSupplierRow, 'key'>> = {
  'nordlys-sundheds-it': { name: 'Nordlys Sundheds-IT A/S', contact_name: 'Servicedesk', contact_email: 'support@nordlys-it.example', contact_phone: '+45 70 20 31 00', notes: 'Drift, integrationer og 2.-niveau-support af kliniske systemer.' },
  medtek: { name: 'Medicoteknisk Service Danmark ApS', contact_name: 'Vagttelefon', contact_email: 'service@medtek-service.example', contact_phone: '+45 70 22 41 10', notes: 'Serviceaftale for apparatur: forebyggende vedligehold og fejlretning.' },
  billed: { name: 'Billeddiagnostik Partner A/S', contact_name: 'Kundecenter', contact_email: 'kundecenter@billedpartner.example', contact_phone: '+45 70 22 52 20', notes: 'Skannere, PACS og RIS: service og opdateringer.' },
  labor: { name: 'Laborion Diagnostics A/S', contact_name: 'Teknisk support', contact_email: 'support@laborion.example', contact_phone: '+45 70 23 63 30', notes: null },
  klinisk: { name: 'Klinisk Software Nord A/S', contact_name: 'Support', contact_email: 'support@klinisk-software.example', contact_phone: '+45 70 24 74 40', notes: null },
  drift: { name: 'Datacenterdrift Øst A/S', contact_name: 'Driftscenter (døgnbemandet)', contact_email: 'driftscenter@dcdrift.example', contact_phone: '+45 70 25 85 50', notes: 'Servere, virtualisering, lager og backup.' },
  net: { name: 'Netsikker Danmark ApS', contact_name: 'NOC', contact_email: 'noc@netsikker.example', contact_phone: '+45 70 26 96 60', notes: 'Firewalls, VPN og netværk.' },
  bygning: { name: 'Bygningsautomatik Syd ApS', contact_name: 'Servicevagt', contact_email: 'vagt@bygningsautomatik.example', contact_phone: '+45 70 27 17 70', notes: null },
  adm: { name: 'Administrativ IT Service A/S', contact_name: 'Kundeservice', contact_email: 'kundeservice@admit-service.example', contact_phone: '+45 70 28 28 80', notes: 'Løn, HR, økonomi og ESDH.' },
  infusion: { name: 'Infusionsteknik Nordic ApS', contact_name: 'Klinisk applikationsspecialist', contact_email: 'support@infusionsteknik.example', contact_phone: '+45 70 29 39 90', notes: null },
};
type SupplierKey = keyof typeof SUPPLIERS;

// Processes ----------------------------------------------------------------------------------

type Tag =
  | 'akut'
  | 'medicin'
  | 'billede'
  | 'lab'
  | 'operation'
  | 'intensiv'
  | 'foedsel'
  | 'kraeft'
  | 'dialyse'
  | 'praehospital'
  | 'ambulant'
  | 'pleje'
  | 'blod'
  | 'steril'
  | 'logistik'
  | 'personale'
  | 'bygning';

// biome-ignore format: one entry per line reads as a table
const PROCESSES: Array<DemoProcessRow & { tag: Tag }> = [
  { key: 'P-AKUT', tag: 'akut', name: 'Akut modtagelse', importance: 'critical', description: 'Visitation, triage og behandling af akutte patienter i fælles akutmodtagelse.' },
  { key: 'P-MEDICIN', tag: 'medicin', name: 'Medicinering', importance: 'critical', description: 'Ordination, dispensering og administration af medicin, inklusive Fælles Medicinkort.' },
  { key: 'P-BILLED', tag: 'billede', name: 'Billeddiagnostik', importance: 'critical', description: 'Røntgen, CT, MR og ultralyd: bestilling, optagelse, beskrivelse og svar.' },
  { key: 'P-LAB', tag: 'lab', name: 'Laboratorie', importance: 'critical', description: 'Klinisk biokemi og mikrobiologi: prøvetagning, analyse og svar.' },
  { key: 'P-OP', tag: 'operation', name: 'Operation', importance: 'critical', description: 'Planlagte og akutte operationer, anæstesi og opvågning.' },
  { key: 'P-INTENSIV', tag: 'intensiv', name: 'Intensiv behandling', importance: 'critical', description: 'Overvågning og behandling af kritisk syge patienter.' },
  { key: 'P-FOEDSEL', tag: 'foedsel', name: 'Fødsel og neonatal', importance: 'critical', description: 'Fødselsforløb, fosterovervågning og neonatal intensiv.' },
  { key: 'P-KRAEFT', tag: 'kraeft', name: 'Kræftbehandling', importance: 'high', description: 'Kemoterapi og strålebehandling efter pakkeforløb.' },
  { key: 'P-DIALYSE', tag: 'dialyse', name: 'Dialyse', importance: 'high', description: 'Hæmodialyse i dialyseafsnit og hjemmedialyse.' },
  { key: 'P-PRAEHOSP', tag: 'praehospital', name: 'Præhospital indsats', importance: 'critical', description: 'AMK-vagtcentral, ambulancer og akutlægebil.' },
  { key: 'P-AMBULANT', tag: 'ambulant', name: 'Ambulant behandling', importance: 'medium', description: 'Ambulatorier, booking og indkaldelse.' },
  { key: 'P-PLEJE', tag: 'pleje', name: 'Pleje i sengeafsnit', importance: 'high', description: 'Observation, pleje og patientkald i sengeafsnit.' },
  { key: 'P-BLOD', tag: 'blod', name: 'Blodtransfusion', importance: 'critical', description: 'Blodbank: forligelighedsundersøgelse, udlevering og sporbarhed.' },
  { key: 'P-STERIL', tag: 'steril', name: 'Sterilcentral', importance: 'high', description: 'Rengøring, sterilisation og sporbarhed af instrumenter.' },
  { key: 'P-LOGISTIK', tag: 'logistik', name: 'Patientlogistik', importance: 'medium', description: 'Sengedisponering, patienttransport og rørpost.' },
  { key: 'P-PERSONALE', tag: 'personale', name: 'Løn og personale', importance: 'low', description: 'Vagtplanlægning, løn og personaleadministration.' },
  { key: 'P-BYGNING', tag: 'bygning', name: 'Bygningsdrift', importance: 'medium', description: 'Ventilation, køl, nødstrøm, adgangskontrol og medicinske gasser.' },
];

// System templates ---------------------------------------------------------------------------

interface Tpl {
  code: string;
  /** The name; `{site}` is replaced by the site's name for per-site systems. */
  name: string;
  vendor?: string;
  product?: string;
  model?: string;
  version?: string;
  cpe?: string;
  crit: Criticality;
  /** Health data categories; absent: no health data. */
  health?: string[];
  device?: boolean;
  /** Probability that this instance is legacy (no longer supported). */
  legacy?: number;
  tags: Tag[];
  supplier: SupplierKey;
  comps?: CompKey[];
  /** Components of a legacy instance instead of comps. */
  legacyComps?: CompKey[];
  /** Key codes of the (core) systems it depends on. */
  uses?: string[];
  /** A web front end: gets an FQDN. */
  web?: boolean;
  /** Probability that a site has this system at all (per-site templates). */
  p?: number;
  /** Instances per site: [min, max]. */
  n?: [number, number];
}

const PATIENT = ['CPR-nummer', 'diagnoser', 'journalnotater'];
const MEDICATION = ['CPR-nummer', 'medicinoplysninger'];
const IMAGES = ['CPR-nummer', 'billeddiagnostik'];
const LABDATA = ['CPR-nummer', 'laboratoriesvar'];
const VITALS = ['CPR-nummer', 'vitale parametre'];
const GENETIC = ['CPR-nummer', 'genetiske data'];

/** Systems every region runs once (region-wide). The EPJ and the shared links are added apart. */
// biome-ignore format: one entry per line reads as a table
const CORE: Tpl[] = [
  { code: 'PACS', name: 'PACS – billedarkiv', vendor: 'Sectra', product: 'Sectra PACS (IDS7)', version: '25.2', crit: 'critical', health: IMAGES, tags: ['billede', 'akut'], supplier: 'billed', comps: ['ws2019', 'sql2019'], uses: ['AD', 'EPJ'], web: true },
  { code: 'RIS', name: 'RIS – radiologisk informationssystem', vendor: 'Sectra', product: 'Sectra RIS', version: '25.2', crit: 'critical', health: IMAGES, tags: ['billede'], supplier: 'billed', comps: ['ws2019', 'sql2019'], uses: ['PACS', 'EPJ'] },
  { code: 'VNA', name: 'Vendor-neutralt arkiv (VNA)', vendor: 'Agfa HealthCare', product: 'Enterprise Imaging VNA', version: '8.1', crit: 'high', health: IMAGES, tags: ['billede'], supplier: 'billed', comps: ['rhel8', 'oracle19'], uses: ['PACS'] },
  { code: 'LIMS', name: 'Laboratorieinformationssystem (LABKA II)', vendor: 'DXC Technology', product: 'LABKA II', version: '9.4', crit: 'critical', health: LABDATA, tags: ['lab', 'akut'], supplier: 'labor', comps: ['rhel7', 'oracle19', 'jre8'], uses: ['AD', 'EPJ'] },
  { code: 'MIKRO', name: 'Mikrobiologisk laboratoriesystem (MADS)', vendor: 'Aarhus Universitetshospital', product: 'MADS', version: '7.3', crit: 'high', health: LABDATA, tags: ['lab'], supplier: 'labor', comps: ['rhel8', 'pg12', 'tomcat', 'log4j'], uses: ['LIMS'] },
  { code: 'PATO', name: 'Patologisystem', vendor: 'Sectra', product: 'Sectra Digital Pathology', version: '3.4', crit: 'high', health: PATIENT, tags: ['lab', 'kraeft'], supplier: 'labor', comps: ['ws2019', 'sql2019'], uses: ['LIMS'] },
  { code: 'BLOD', name: 'Blodbanksystem (ProSang)', vendor: 'CSAM Health', product: 'ProSang', version: '8.3', crit: 'critical', health: ['CPR-nummer', 'blodtype og transfusioner'], tags: ['blod', 'operation'], supplier: 'labor', comps: ['ws2016', 'sql2019'], uses: ['LIMS'] },
  { code: 'ANAES', name: 'Anæstesijournal', vendor: 'Philips', product: 'IntelliSpace Critical Care and Anesthesia', version: 'J.02', crit: 'critical', health: VITALS, tags: ['operation', 'intensiv'], supplier: 'klinisk', comps: ['ws2016', 'sql2019', 'dotnet48'], uses: ['EPJ'] },
  { code: 'ICCA', name: 'Intensiv klinisk informationssystem', vendor: 'Philips', product: 'IntelliSpace Critical Care and Anesthesia', version: 'J.02', crit: 'critical', health: VITALS, tags: ['intensiv'], supplier: 'klinisk', comps: ['ws2016', 'sql2019'], uses: ['EPJ'] },
  { code: 'ONKO', name: 'Onkologisk informationssystem (ARIA)', vendor: 'Varian', product: 'ARIA Oncology Information System', version: '16.1', crit: 'high', health: PATIENT, tags: ['kraeft'], supplier: 'klinisk', comps: ['ws2019', 'sql2019'] },
  { code: 'STRAALE', name: 'Dosisplanlægning – strålebehandling (Eclipse)', vendor: 'Varian', product: 'Eclipse Treatment Planning', version: '16.1', crit: 'critical', health: PATIENT, tags: ['kraeft'], supplier: 'klinisk', comps: ['ws2019'], uses: ['ONKO'] },
  { code: 'CYTO', name: 'Cytostatikaordination', vendor: 'Nordlys Sundheds-IT', product: 'Kemo-ordination', version: '4.2', crit: 'high', health: MEDICATION, tags: ['kraeft', 'medicin'], supplier: 'nordlys-sundheds-it', comps: ['ws2016', 'iis85', 'jquery'], uses: ['EPJ'], web: true },
  { code: 'AMK', name: 'AMK-vagtcentral – disponering', vendor: 'Logis Solutions', product: 'Logis CAD', version: '6.0', crit: 'critical', health: PATIENT, tags: ['praehospital', 'akut'], supplier: 'klinisk', comps: ['ws2019', 'sql2019'], uses: ['AD'] },
  { code: 'PPJ', name: 'Præhospital patientjournal', vendor: 'AmPHI', product: 'AmPHI', version: '2024.3', crit: 'critical', health: VITALS, tags: ['praehospital'], supplier: 'klinisk', uses: ['AMK', 'EPJ'], web: true },
  { code: 'BOOK', name: 'Booking og patientindkaldelse', vendor: 'Nordlys Sundheds-IT', product: 'Indkald', version: '3.9', crit: 'medium', health: ['CPR-nummer', 'kontaktoplysninger'], tags: ['ambulant'], supplier: 'nordlys-sundheds-it', comps: ['rhel8', 'nginx', 'openssl30', 'spring'], uses: ['EPJ'], web: true },
  { code: 'TELEMED', name: 'Telemedicinsk platform (hjemmemonitorering)', vendor: 'Nordlys Sundheds-IT', product: 'Hjemme+', version: '2.1', crit: 'medium', health: VITALS, tags: ['ambulant'], supplier: 'nordlys-sundheds-it', comps: ['rhel8', 'nginx', 'openssl30'], web: true },
  { code: 'INTEG', name: 'Integrationsplatform (MedCom/HL7)', vendor: 'Microsoft', product: 'BizTalk Server 2013 R2', version: 'CU9', crit: 'critical', health: PATIENT, tags: ['akut', 'lab', 'billede', 'medicin'], supplier: 'nordlys-sundheds-it', comps: ['ws2012r2', 'biztalk', 'sql2012'], legacy: 1, uses: ['AD'] },
  { code: 'STERIL', name: 'Sterilcentral – instrumentsporing (T-DOC)', vendor: 'Getinge', product: 'T-DOC', version: '2000', crit: 'high', tags: ['steril', 'operation'], supplier: 'medtek', comps: ['ws2016', 'sql2019'] },
  { code: 'ROERPOST', name: 'Rørpostanlæg – styring', vendor: 'Swisslog Healthcare', product: 'TransLogic', version: 'Nexus 2', crit: 'high', tags: ['logistik', 'lab'], supplier: 'bygning' },
  { code: 'SENGE', name: 'Sengedisponering og patientflow', vendor: 'Nordlys Sundheds-IT', product: 'Flow', version: '5.0', crit: 'medium', health: ['CPR-nummer'], tags: ['logistik', 'akut'], supplier: 'nordlys-sundheds-it', comps: ['rhel8', 'tomcat', 'log4j'], uses: ['EPJ'], web: true },
  { code: 'KVAL', name: 'Indberetning til kliniske kvalitetsdatabaser', vendor: 'Nordlys Sundheds-IT', product: 'KvalInd', version: '1.8', crit: 'low', health: PATIENT, tags: ['ambulant'], supplier: 'nordlys-sundheds-it', comps: ['ws2016', 'php74', 'httpd_old', 'openssl102'], legacy: 0.5, web: true },
  { code: 'TOLK', name: 'Tolkebestilling', vendor: 'Nordlys Sundheds-IT', product: 'Tolk', version: '2.3', crit: 'low', tags: ['ambulant'], supplier: 'nordlys-sundheds-it', web: true },
  { code: 'AD', name: 'Active Directory (regionalt domæne)', vendor: 'Microsoft', product: 'Active Directory Domain Services', version: '2019', crit: 'critical', tags: ['akut', 'personale'], supplier: 'drift', comps: ['ws2019'] },
  { code: 'ENTRA', name: 'Microsoft Entra ID (cloud-identitet)', vendor: 'Microsoft', product: 'Entra ID', version: 'cloud', crit: 'high', tags: ['personale'], supplier: 'drift', uses: ['AD'] },
  { code: 'PKI', name: 'Certifikatservice (AD CS)', vendor: 'Microsoft', product: 'Active Directory Certificate Services', version: '2012 R2', crit: 'high', tags: ['akut'], supplier: 'drift', comps: ['ws2012r2'], legacy: 1, uses: ['AD'] },
  { code: 'PAM', name: 'Privilegeret adgang (PAM)', vendor: 'CyberArk', product: 'Privileged Access Manager', version: '13.2', crit: 'high', tags: ['personale'], supplier: 'drift', comps: ['ws2019'], uses: ['AD'] },
  { code: 'CITRIX', name: 'Citrix – klinisk arbejdsplads', vendor: 'Citrix', product: 'Virtual Apps and Desktops', version: '2203 LTSR', crit: 'critical', tags: ['akut', 'pleje'], supplier: 'drift', comps: ['ws2019', 'citrix'], uses: ['AD'], web: true },
  { code: 'VMWARE', name: 'Virtualiseringsplatform (vSphere)', vendor: 'VMware', product: 'vSphere', version: '7.0 U3', crit: 'critical', tags: ['akut'], supplier: 'drift', comps: ['esxi'] },
  { code: 'SAN', name: 'Lagerplatform (SAN)', vendor: 'NetApp', product: 'ONTAP', model: 'AFF A400', version: '9.12.1', crit: 'critical', tags: ['akut'], supplier: 'drift' },
  { code: 'BACKUP', name: 'Backup og gendannelse', vendor: 'Veeam', product: 'Backup & Replication', version: '11', crit: 'critical', tags: ['akut'], supplier: 'drift', comps: ['ws2019', 'veeam'], uses: ['SAN'] },
  { code: 'DNS', name: 'DNS/DHCP', vendor: 'Infoblox', product: 'NIOS', version: '8.6.3', crit: 'critical', tags: ['akut'], supplier: 'net' },
  { code: 'FW-DC', name: 'Firewall – datacenter', vendor: 'Palo Alto Networks', product: 'PA-5450', model: 'PA-5450', version: '10.2.9', crit: 'critical', tags: ['akut'], supplier: 'net', comps: ['panos'] },
  { code: 'FW-MT', name: 'Firewall – medicoteknisk netværk', vendor: 'Fortinet', product: 'FortiGate', model: 'FG-600E', version: '7.2.7', crit: 'critical', tags: ['billede', 'intensiv'], supplier: 'net', comps: ['fortios'] },
  { code: 'FW-OLD', name: 'Firewall – gammelt laboratorienet', vendor: 'Cisco', product: 'ASA 5525-X', model: 'ASA5525-X', version: '9.8.4', crit: 'high', tags: ['lab'], supplier: 'net', comps: ['asa'], legacy: 1 },
  { code: 'VPN', name: 'Fjernadgang (VPN) for leverandører', vendor: 'Cisco', product: 'Secure Client', version: '5.1', crit: 'high', tags: ['akut'], supplier: 'net', uses: ['AD', 'FW-DC'], web: true },
  { code: 'SIEM', name: 'Logopsamling og overvågning (SIEM)', vendor: 'Splunk', product: 'Splunk Enterprise', version: '9.1.2', crit: 'high', tags: ['akut'], supplier: 'drift', comps: ['rhel8'] },
  { code: 'EDR', name: 'Endpoint-beskyttelse (EDR)', vendor: 'Microsoft', product: 'Defender for Endpoint', version: 'cloud', crit: 'high', tags: ['akut'], supplier: 'drift' },
  { code: 'MAIL', name: 'E-mail (Exchange hybrid)', vendor: 'Microsoft', product: 'Exchange Server 2016', version: 'CU23', crit: 'medium', tags: ['personale'], supplier: 'drift', comps: ['ws2016', 'exchange2016'], uses: ['AD'], web: true },
  { code: 'TELEFONI', name: 'Telefoni og hjertestopkald', vendor: 'Cisco', product: 'Unified Communications Manager', version: '14', crit: 'critical', tags: ['akut', 'pleje'], supplier: 'net' },
  { code: 'WLAN', name: 'Trådløst netværk – styring', vendor: 'Cisco', product: 'Catalyst 9800 Wireless Controller', version: '17.9', crit: 'high', tags: ['pleje'], supplier: 'net' },
  { code: 'PRINT', name: 'Print og armbåndsprintere', vendor: 'PaperCut', product: 'PaperCut MF', version: '22.1', crit: 'medium', tags: ['akut', 'lab'], supplier: 'drift', comps: ['ws2019'] },
  { code: 'INTRA', name: 'Intranet og instrukser (VIP)', vendor: 'Nordlys Sundheds-IT', product: 'Dokumentstyring', version: '6.4', crit: 'medium', tags: ['pleje'], supplier: 'nordlys-sundheds-it', comps: ['ws2016', 'iis85', 'jquery'], web: true },
  { code: 'LOEN', name: 'Løn og HR', vendor: 'SD', product: 'SD Løn', version: '2025', crit: 'low', tags: ['personale'], supplier: 'adm' },
  { code: 'VAGTPLAN', name: 'Vagtplanlægning', vendor: 'Nordlys Sundheds-IT', product: 'Vagt', version: '8.2', crit: 'medium', tags: ['personale', 'akut'], supplier: 'nordlys-sundheds-it', web: true },
  { code: 'OEKONOMI', name: 'Økonomi og indkøb', vendor: 'SAP', product: 'S/4HANA', version: '2022', crit: 'low', tags: ['personale'], supplier: 'adm' },
  { code: 'ESDH', name: 'Sags- og dokumenthåndtering (ESDH)', vendor: 'Netcompany', product: 'WorkZone', version: '2024', crit: 'low', health: ['CPR-nummer', 'klagesager'], tags: ['personale'], supplier: 'adm', web: true },
  { code: 'CTS', name: 'Bygningsautomation (CTS) – central', vendor: 'Schneider Electric', product: 'EcoStruxure Building Operation', version: '4.0', crit: 'high', tags: ['bygning'], supplier: 'bygning', comps: ['ws2016'] },
  { code: 'ADGANG', name: 'Adgangskontrol', vendor: 'Milestone', product: 'XProtect Access', version: '2023 R1', crit: 'medium', tags: ['bygning'], supplier: 'bygning', comps: ['ws2016'] },
  { code: 'VIDEO', name: 'Videoovervågning', vendor: 'Milestone', product: 'XProtect Corporate', version: '2022 R3', crit: 'low', tags: ['bygning'], supplier: 'bygning', comps: ['ws2012r2'], legacy: 0.7 },
  { code: 'SIKRING', name: 'Filoverførsel mellem net (datadiode)', vendor: 'Nordlys Sundheds-IT', product: 'Sikker overførsel', version: '1.4', crit: 'medium', tags: ['billede'], supplier: 'nordlys-sundheds-it', comps: ['rhel7', 'openssl102'], legacy: 0.6 },
];

/** Systems each hospital site of a region has (instances per site), most of them medical devices. */
// biome-ignore format: one entry per line reads as a table
const SITE: Tpl[] = [
  { code: 'CT', name: 'CT-skanner – {site}', vendor: 'Siemens Healthineers', product: 'SOMATOM Definition AS', model: 'SOMATOM Definition AS+', version: 'syngo CT VB20', crit: 'critical', health: IMAGES, device: true, legacy: 0.2, tags: ['billede', 'akut'], supplier: 'billed', comps: ['win10iot'], legacyComps: ['win7'], uses: ['PACS', 'FW-MT'], n: [1, 3] },
  { code: 'MR', name: 'MR-skanner – {site}', vendor: 'Philips', product: 'Ingenia', model: 'Ingenia 3.0T', version: 'R5.7', crit: 'high', health: IMAGES, device: true, legacy: 0.1, tags: ['billede'], supplier: 'billed', comps: ['win10iot'], legacyComps: ['win7'], uses: ['PACS'], p: 0.8, n: [1, 2] },
  { code: 'RTG', name: 'Røntgenstue – {site}', vendor: 'Philips', product: 'DigitalDiagnost C90', model: 'DigitalDiagnost C90', version: '1.2', crit: 'high', health: IMAGES, device: true, legacy: 0.25, tags: ['billede', 'akut'], supplier: 'billed', comps: ['win10iot'], legacyComps: ['winxp'], uses: ['PACS'], n: [2, 4] },
  { code: 'UL', name: 'Ultralydsskannere – {site}', vendor: 'GE HealthCare', product: 'LOGIQ E10', model: 'LOGIQ E10s', version: 'R3', crit: 'medium', health: IMAGES, device: true, tags: ['billede', 'foedsel'], supplier: 'billed', uses: ['PACS'], n: [1, 3] },
  { code: 'MAMMO', name: 'Mammografi – {site}', vendor: 'Hologic', product: '3Dimensions', model: '3Dimensions', version: '2.2', crit: 'medium', health: IMAGES, device: true, tags: ['billede', 'kraeft'], supplier: 'billed', uses: ['PACS'], p: 0.4 },
  { code: 'MON', name: 'Patientmonitorering, central – {site}', vendor: 'Philips', product: 'IntelliVue Patient Information Center iX', model: 'PIC iX', version: 'C.03', crit: 'critical', health: VITALS, device: true, legacy: 0.15, tags: ['intensiv', 'akut', 'operation'], supplier: 'medtek', comps: ['ws2016'], legacyComps: ['ws2012r2'], uses: ['FW-MT', 'ICCA'], n: [1, 3] },
  { code: 'INF', name: 'Infusionspumper – {site}', vendor: 'B. Braun', product: 'Space infusionssystem', model: 'Infusomat Space', version: '689R', crit: 'critical', health: MEDICATION, device: true, tags: ['medicin', 'intensiv'], supplier: 'infusion', uses: ['WLAN'], n: [2, 4] },
  { code: 'SPROEJTE', name: 'Sprøjtepumper – {site}', vendor: 'BD', product: 'Alaris', model: 'Alaris CC Plus', version: '4.4', crit: 'high', health: MEDICATION, device: true, legacy: 0.3, tags: ['medicin', 'intensiv'], supplier: 'infusion', uses: ['WLAN'], n: [1, 2] },
  { code: 'ANAESAPP', name: 'Anæstesiapparater – {site}', vendor: 'Drägerwerk', product: 'Perseus A500', model: 'Perseus A500', version: '2.10', crit: 'critical', health: VITALS, device: true, tags: ['operation'], supplier: 'medtek', uses: ['ANAES'] },
  { code: 'RESP', name: 'Respiratorer, intensiv – {site}', vendor: 'Hamilton Medical', product: 'HAMILTON-C6', model: 'HAMILTON-C6', version: '2.2.1', crit: 'critical', health: VITALS, device: true, tags: ['intensiv'], supplier: 'medtek', uses: ['ICCA'], p: 0.85 },
  { code: 'BGAS', name: 'Blodgasapparater – {site}', vendor: 'Radiometer', product: 'ABL90 FLEX PLUS', model: 'ABL90 FLEX PLUS', version: '3.5', crit: 'high', health: LABDATA, device: true, tags: ['lab', 'intensiv', 'akut'], supplier: 'labor', uses: ['LIMS'], n: [1, 3] },
  { code: 'KEMI', name: 'Kemi- og immunanalysator – {site}', vendor: 'Roche Diagnostics', product: 'cobas 8000', model: 'cobas 8000 c702', version: '06-02', crit: 'critical', health: LABDATA, device: true, legacy: 0.1, tags: ['lab'], supplier: 'labor', comps: ['win10iot'], legacyComps: ['win7'], uses: ['LIMS', 'FW-OLD'] },
  { code: 'HAEM', name: 'Hæmatologianalysator – {site}', vendor: 'Sysmex', product: 'XN-Series', model: 'XN-3100', version: '00-28', crit: 'high', health: LABDATA, device: true, tags: ['lab'], supplier: 'labor', uses: ['LIMS'] },
  { code: 'KOAG', name: 'Koagulationsanalysator – {site}', vendor: 'Siemens Healthineers', product: 'Atellica COAG 360', model: 'Atellica COAG 360', version: '1.1', crit: 'high', health: LABDATA, device: true, tags: ['lab', 'blod'], supplier: 'labor', uses: ['LIMS'], p: 0.7 },
  { code: 'POCT', name: 'Blodsukkerapparater (POCT) – {site}', vendor: 'Roche Diagnostics', product: 'Accu-Chek Inform II', model: 'Accu-Chek Inform II', version: '04.01', crit: 'medium', health: LABDATA, device: true, tags: ['lab', 'pleje'], supplier: 'labor', uses: ['LIMS', 'WLAN'], n: [1, 2] },
  { code: 'DIALYSE', name: 'Dialysemaskiner – {site}', vendor: 'Fresenius Medical Care', product: '5008S', model: '5008S CorDiax', version: '4.62', crit: 'critical', health: VITALS, device: true, legacy: 0.2, tags: ['dialyse'], supplier: 'medtek', p: 0.5 },
  { code: 'CTG', name: 'Fosterovervågning (CTG) – {site}', vendor: 'Philips', product: 'Avalon FM30', model: 'Avalon FM30', version: 'L.3', crit: 'critical', health: VITALS, device: true, tags: ['foedsel'], supplier: 'medtek', uses: ['MON'], p: 0.6 },
  { code: 'EKG', name: 'EKG-system – {site}', vendor: 'GE HealthCare', product: 'MUSE Cardiology Information System', model: 'MUSE v9', version: '9.0 SP7', crit: 'high', health: VITALS, device: true, tags: ['akut'], supplier: 'medtek', comps: ['ws2019', 'sql2019'], uses: ['EPJ'], n: [1, 2] },
  { code: 'ENDO', name: 'Endoskopi – billedsystem – {site}', vendor: 'Olympus', product: 'EVIS X1', model: 'CV-1500', version: '2.0', crit: 'medium', health: IMAGES, device: true, tags: ['ambulant', 'operation'], supplier: 'medtek', uses: ['PACS'], p: 0.7 },
  { code: 'ORINT', name: 'Operationsstue-integration – {site}', vendor: 'KARL STORZ', product: 'OR1 FUSION', model: 'OR1 FUSION', version: '2.3', crit: 'high', health: IMAGES, device: true, legacy: 0.2, tags: ['operation'], supplier: 'medtek', comps: ['win10iot'], legacyComps: ['win7'], p: 0.7 },
  { code: 'MEDSKAB', name: 'Automatiserede medicinskabe – {site}', vendor: 'Omnicell', product: 'XT Automated Dispensing Cabinet', model: 'XT', version: '21.1', crit: 'high', health: MEDICATION, device: true, tags: ['medicin'], supplier: 'medtek', comps: ['win10iot'], uses: ['EPJ'], p: 0.6 },
  { code: 'KOEL', name: 'Temperaturovervågning (blod og medicin) – {site}', vendor: 'Nordlys Sundheds-IT', product: 'TempAlarm', version: '2.7', crit: 'medium', device: true, tags: ['blod', 'medicin'], supplier: 'nordlys-sundheds-it', comps: ['rhel7', 'httpd_old', 'openssl102'], legacy: 0.4, n: [1, 2] },
  { code: 'PKALD', name: 'Patientkaldeanlæg – {site}', vendor: 'Ascom', product: 'telligence', model: 'telligence 6', version: '6.3', crit: 'high', tags: ['pleje'], supplier: 'medtek', uses: ['TELEFONI'], n: [1, 3] },
  { code: 'GAS', name: 'Medicinske gasser – alarmanlæg – {site}', vendor: 'Air Liquide Healthcare', product: 'Gasalarm', model: 'MGA-200', version: '3.1', crit: 'critical', device: true, tags: ['bygning', 'intensiv', 'operation'], supplier: 'bygning', uses: ['CTS'] },
  { code: 'NOEDSTROEM', name: 'Nødstrøm og UPS – overvågning – {site}', vendor: 'Schneider Electric', product: 'EcoStruxure IT Expert', version: '2024', crit: 'high', tags: ['bygning'], supplier: 'bygning', uses: ['CTS'] },
  { code: 'CTSLOK', name: 'Bygningsautomation – undercentral – {site}', vendor: 'Schneider Electric', product: 'SpaceLogic AS-P', model: 'AS-P', version: '3.3', crit: 'medium', legacy: 0.3, tags: ['bygning'], supplier: 'bygning', uses: ['CTS'], n: [1, 3] },
  { code: 'FIL', name: 'Lokal filserver – {site}', vendor: 'Microsoft', product: 'Windows Server', version: '2012 R2', crit: 'low', health: ['CPR-nummer'], legacy: 0.6, tags: ['personale'], supplier: 'drift', comps: ['ws2016'], legacyComps: ['ws2012r2'], uses: ['AD'], n: [1, 3] },
  { code: 'KIOSK', name: 'Selvbetjening og køsystem – {site}', vendor: 'Nordlys Sundheds-IT', product: 'Ankomst', version: '2.0', crit: 'low', health: ['CPR-nummer'], tags: ['ambulant'], supplier: 'nordlys-sundheds-it', comps: ['win10iot'], uses: ['BOOK'] },
  { code: 'DICOMGW', name: 'DICOM-gateway (ældre modaliteter) – {site}', vendor: 'Nordlys Sundheds-IT', product: 'DICOM Router', version: '1.9', crit: 'high', health: IMAGES, device: true, legacy: 0.8, tags: ['billede'], supplier: 'nordlys-sundheds-it', comps: ['ws2016'], legacyComps: ['winxp', 'jre8'], uses: ['PACS'], p: 0.6 },
];

/** Systems of a hospital's own (research, highly specialised care, local infrastructure). */
// biome-ignore format: one entry per line reads as a table
const HOSPITAL: Tpl[] = [
  { code: 'PETCT', name: 'PET/CT – nuklearmedicin', vendor: 'Siemens Healthineers', product: 'Biograph Vision', model: 'Biograph Vision 600', version: 'VG80', crit: 'high', health: IMAGES, device: true, tags: ['billede', 'kraeft'], supplier: 'billed', comps: ['win10iot'], n: [1, 2] },
  { code: 'LINAC', name: 'Lineær accelerator – strålebehandling', vendor: 'Varian', product: 'TrueBeam', model: 'TrueBeam STx', version: '4.1', crit: 'critical', health: PATIENT, device: true, tags: ['kraeft'], supplier: 'medtek', n: [2, 4], p: 0.7 },
  { code: 'ROBOT', name: 'Robotkirurgi', vendor: 'Intuitive Surgical', product: 'da Vinci Xi', model: 'IS4000', version: '9.4', crit: 'high', health: IMAGES, device: true, tags: ['operation'], supplier: 'medtek', n: [1, 3], p: 0.8 },
  { code: 'ANGIO', name: 'Hjertekateterisation (angiografi)', vendor: 'Philips', product: 'Azurion 7', model: 'Azurion 7 M20', version: '2.2', crit: 'critical', health: IMAGES, device: true, legacy: 0.2, tags: ['akut', 'billede'], supplier: 'billed', comps: ['win10iot'], legacyComps: ['win7'], n: [1, 3] },
  { code: 'ECHO', name: 'Ekkokardiografi – arbejdsstationer', vendor: 'GE HealthCare', product: 'EchoPAC', model: 'EchoPAC Plugin', version: '204', crit: 'medium', health: IMAGES, device: true, tags: ['ambulant'], supplier: 'billed' },
  { code: 'NEO', name: 'Neonatal intensiv – monitorering', vendor: 'Philips', product: 'IntelliVue MX750', model: 'MX750', version: 'N.00', crit: 'critical', health: VITALS, device: true, tags: ['foedsel', 'intensiv'], supplier: 'medtek', p: 0.8 },
  { code: 'KUVOESE', name: 'Kuvøser med overvågning', vendor: 'Drägerwerk', product: 'Babyleo TN500', model: 'TN500', version: '1.4', crit: 'critical', health: VITALS, device: true, tags: ['foedsel'], supplier: 'medtek', p: 0.7 },
  { code: 'GENOM', name: 'Genomsekventering – analysepipeline', vendor: 'Illumina', product: 'NovaSeq X', model: 'NovaSeq X Plus', version: '1.2', crit: 'medium', health: GENETIC, device: true, tags: ['lab'], supplier: 'labor', comps: ['rhel8', 'pg12'], p: 0.5 },
  { code: 'DIGIPATO', name: 'Digital patologi – skannere', vendor: 'Philips', product: 'IntelliSite Pathology Solution', model: 'Ultra Fast Scanner', version: '3.3', crit: 'medium', health: PATIENT, device: true, tags: ['lab', 'kraeft'], supplier: 'labor', p: 0.6 },
  { code: 'REDCAP', name: 'Forskningsdatabase (REDCap)', vendor: 'Vanderbilt University', product: 'REDCap', version: '13.1.27', crit: 'low', health: PATIENT, tags: ['ambulant'], supplier: 'nordlys-sundheds-it', comps: ['rhel7', 'httpd_old', 'php74', 'openssl102'], legacy: 0.6, web: true },
  { code: 'FORSK-AD', name: 'Forskningsdomæne (lokalt AD)', vendor: 'Microsoft', product: 'Active Directory Domain Services', version: '2012 R2', crit: 'medium', legacy: 1, tags: ['personale'], supplier: 'drift', comps: ['ws2012r2'] },
  { code: 'CYTOROBOT', name: 'Cytostatikarobot', vendor: 'Equashield', product: 'Pro', model: 'EQ-Pro', version: '2.6', crit: 'high', health: MEDICATION, device: true, tags: ['kraeft', 'medicin'], supplier: 'medtek', p: 0.5 },
  { code: 'HJERTESTOP', name: 'Hjertestopalarm og personsøgning', vendor: 'Ascom', product: 'Unite', version: '7.1', crit: 'critical', tags: ['akut', 'pleje'], supplier: 'medtek' },
  { code: 'MIKROSKOP', name: 'Operationsmikroskoper med video', vendor: 'Carl Zeiss Meditec', product: 'KINEVO 900', model: 'KINEVO 900', version: '3.2', crit: 'medium', health: IMAGES, device: true, legacy: 0.3, tags: ['operation'], supplier: 'medtek', comps: ['win10iot'], legacyComps: ['win7'], n: [1, 3] },
  { code: 'SKOPVASK', name: 'Endoskopvaskere med sporing', vendor: 'Getinge', product: 'ED-FLOW', model: 'ED-FLOW', version: '5.0', crit: 'medium', device: true, tags: ['steril'], supplier: 'medtek', n: [1, 2] },
  { code: 'AFD-FIL', name: 'Afdelingsserver', vendor: 'Microsoft', product: 'Windows Server', version: '2012 R2', crit: 'low', health: ['CPR-nummer'], legacy: 0.7, tags: ['personale'], supplier: 'drift', comps: ['ws2019'], legacyComps: ['ws2012r2', 'sql2012'], n: [2, 5] },
  { code: 'AFD-APP', name: 'Afdelingsdatabase (kvalitet)', vendor: 'Nordlys Sundheds-IT', product: 'KvalDB', version: '2.4', crit: 'low', health: PATIENT, tags: ['ambulant'], supplier: 'nordlys-sundheds-it', comps: ['ws2016', 'sql2012', 'iis85'], legacy: 0.4, n: [2, 6], web: true },
  { code: 'PATMON', name: 'Trådløs patientovervågning i sengeafsnit', vendor: 'Philips', product: 'IntelliVue MX40', model: 'MX40', version: 'B.06', crit: 'high', health: VITALS, device: true, tags: ['pleje'], supplier: 'medtek', n: [1, 4] },
  { code: 'INFHOSP', name: 'Smart-pumper, intensiv', vendor: 'B. Braun', product: 'Space plus', model: 'Perfusor Space', version: '690S', crit: 'critical', health: MEDICATION, device: true, tags: ['medicin', 'intensiv'], supplier: 'infusion', n: [1, 3] },
  { code: 'SIMULATION', name: 'Simulationscenter – styring', vendor: 'Laerdal Medical', product: 'SimCapture', version: '7.4', crit: 'low', tags: ['personale'], supplier: 'klinisk', p: 0.5 },
];

/** The sites (hospitals that are not organisations of their own) of each region, with a code. */
const SITES: Record<string, Array<[string, string]>> = {
  'region-hovedstaden': [
    ['HVH', 'Hvidovre Hospital'],
    ['BFH', 'Bispebjerg og Frederiksberg Hospital'],
    ['AHH', 'Amager Hospital'],
    ['NOH', 'Nordsjællands Hospital'],
    ['BOH', 'Bornholms Hospital'],
    ['PSY', 'Region Hovedstadens Psykiatri'],
  ],
  'region-sjaelland': [
    ['HOL', 'Holbæk Sygehus'],
    ['NFS', 'Nykøbing F. Sygehus'],
    ['NAE', 'Næstved Sygehus'],
    ['SLA', 'Slagelse Sygehus'],
    ['PSY', 'Psykiatrien Region Sjælland'],
    ['ROS', 'Roskilde Sygehus'],
  ],
  'region-syddanmark': [
    ['VEJ', 'Sygehus Lillebælt, Vejle'],
    ['KOL', 'Sygehus Lillebælt, Kolding'],
    ['AAB', 'Sygehus Sønderjylland, Aabenraa'],
    ['SVE', 'OUH Svendborg Sygehus'],
    ['NYB', 'OUH Nyborg Sygehus'],
    ['PSY', 'Psykiatrien i Region Syddanmark'],
  ],
  'region-midtjylland': [
    ['RAN', 'Regionshospitalet Randers'],
    ['VIB', 'Regionshospitalet Viborg'],
    ['HOR', 'Regionshospitalet Horsens'],
    ['SIL', 'Regionshospitalet Silkeborg'],
    ['HOS', 'Hospitalsenhed Vest, Holstebro'],
    ['PSY', 'Psykiatrien i Region Midtjylland'],
  ],
  'region-nordjylland': [
    ['HJO', 'Regionshospital Nordjylland, Hjørring'],
    ['FRH', 'Regionshospital Nordjylland, Frederikshavn'],
    ['THI', 'Aalborg Universitetshospital, Thisted'],
    ['HOB', 'Aalborg Universitetshospital, Hobro'],
    ['FAR', 'Aalborg Universitetshospital, Farsø'],
    ['PSY', 'Psykiatrien i Region Nordjylland'],
  ],
};

/** Each region's own EPJ (electronic patient record). Hovedstaden's is shared (with Sjælland). */
// biome-ignore format: one entry per line reads as a table
const EPJ: Record<string, Omit<Tpl, 'code' | 'crit' | 'tags' | 'supplier'>> = {
  'region-hovedstaden': { name: 'Sundhedsplatformen (EPJ)', vendor: 'Epic Systems', product: 'Epic', version: 'November 2024', comps: ['rhel8', 'ws2019', 'citrix'] },
  'region-syddanmark': { name: 'Cosmic (EPJ)', vendor: 'Cambio Healthcare Systems', product: 'COSMIC', version: 'R8.6', comps: ['ws2019', 'sql2019'] },
  'region-midtjylland': { name: 'MidtEPJ', vendor: 'Systematic', product: 'Columna Clinical Information System', version: '7.3', comps: ['ws2019', 'oracle19'] },
  'region-nordjylland': { name: 'Clinical Suite (EPJ)', vendor: 'Systematic', product: 'Columna Clinical Information System', version: '6.8', comps: ['ws2016', 'oracle19'] },
};

/** The shared records: owner, key, and who links to them. */
export const DEMO_SHARED: Array<{ org: string; key: string; name: string; linkedBy: string[] }> = [
  {
    org: 'sektorenheden',
    key: 'FMK',
    name: 'Fælles Medicinkort (FMK)',
    linkedBy: [
      'region-hovedstaden',
      'region-sjaelland',
      'region-syddanmark',
      'region-midtjylland',
      'region-nordjylland',
      'rigshospitalet',
      'herlev-gentofte-hospital',
      'sjaellands-universitetshospital',
      'odense-universitetshospital',
      'sydvestjysk-sygehus',
      'aarhus-universitetshospital',
      'regionshospitalet-goedstrup',
      'aalborg-universitetshospital',
      'koebenhavns-kommune',
      'roskilde-kommune',
      'odense-kommune',
      'aarhus-kommune',
      'aalborg-kommune',
      'laegehuset-noerrebro',
      'laegerne-ved-havnen',
      'laegerne-i-viborg',
      'apoteket-ved-domkirken',
      'apoteket-limfjorden',
    ],
  },
  {
    org: 'sektorenheden',
    key: 'NPI',
    name: 'Nationalt patientindeks (NPI)',
    linkedBy: [
      'region-hovedstaden',
      'region-sjaelland',
      'region-syddanmark',
      'region-midtjylland',
      'region-nordjylland',
      'rigshospitalet',
      'odense-universitetshospital',
      'aarhus-universitetshospital',
      'aalborg-universitetshospital',
      'laegehuset-noerrebro',
      'laegerne-ved-havnen',
      'laegerne-i-viborg',
    ],
  },
  {
    org: 'region-hovedstaden',
    key: 'EPJ',
    name: 'Sundhedsplatformen (EPJ)',
    linkedBy: [
      'region-sjaelland',
      'rigshospitalet',
      'herlev-gentofte-hospital',
      'sjaellands-universitetshospital',
    ],
  },
];

// biome-ignore format: one entry per line reads as a table
const SHARED_IDENTITY: Record<string, Omit<Tpl, 'code' | 'crit' | 'tags' | 'supplier' | 'name'>> = {
  FMK: { vendor: 'Sundhedsdatastyrelsen', product: 'Fælles Medicinkort', version: '1.4.2', comps: ['rhel8', 'tomcat', 'openssl30'] },
  NPI: { vendor: 'Sundhedsdatastyrelsen', product: 'Nationalt patientindeks', version: '2.1', comps: ['rhel8', 'pg12', 'nginx'] },
};

// The baseline: each organisation's profile of gaps --------------------------------------------

/** Probabilities for a critical (or high) system; other systems are somewhat worse. */
interface Profile {
  assessed: number;
  mfa: number;
  segmented: number;
  patched: number;
  endpoint: number;
  backup: number;
  contingencyPlan: number;
  contingencyTested: number;
  restoreProcedure: number;
  restoreTested: number;
}

// biome-ignore format: one entry per line reads as a table
const PROFILES: Record<string, Profile> = {
  'region-hovedstaden': { assessed: 0.97, mfa: 0.995, segmented: 0.85, patched: 0.75, endpoint: 0.9, backup: 0.95, contingencyPlan: 0.9, contingencyTested: 0.55, restoreProcedure: 0.8, restoreTested: 0.2 },
  'region-sjaelland': { assessed: 0.85, mfa: 0.8, segmented: 0.7, patched: 0.6, endpoint: 0.85, backup: 0.9, contingencyPlan: 0.98, contingencyTested: 0.15, restoreProcedure: 0.995, restoreTested: 0.6 },
  'region-syddanmark': { assessed: 0.99, mfa: 0.75, segmented: 0.995, patched: 0.995, endpoint: 0.95, backup: 0.95, contingencyPlan: 0.9, contingencyTested: 0.7, restoreProcedure: 0.85, restoreTested: 0.7 },
  'region-midtjylland': { assessed: 0.6, mfa: 0.995, segmented: 0.75, patched: 0.8, endpoint: 0.9, backup: 0.9, contingencyPlan: 0.995, contingencyTested: 0.995, restoreProcedure: 0.9, restoreTested: 0.5 },
  'region-nordjylland': { assessed: 0.9, mfa: 0.6, segmented: 0.5, patched: 0.45, endpoint: 0.8, backup: 0.95, contingencyPlan: 0.9, contingencyTested: 0.8, restoreProcedure: 0.995, restoreTested: 0.995 },
  hospital: { assessed: 0.85, mfa: 0.8, segmented: 0.7, patched: 0.7, endpoint: 0.85, backup: 0.9, contingencyPlan: 0.8, contingencyTested: 0.5, restoreProcedure: 0.75, restoreTested: 0.4 },
  small: { assessed: 0.7, mfa: 0.6, segmented: 0.4, patched: 0.6, endpoint: 0.8, backup: 0.7, contingencyPlan: 0.5, contingencyTested: 0.3, restoreProcedure: 0.4, restoreTested: 0.2 },
  sector: { assessed: 1, mfa: 1, segmented: 0.9, patched: 0.9, endpoint: 1, backup: 1, contingencyPlan: 1, contingencyTested: 0.9, restoreProcedure: 1, restoreTested: 0.8 },
};

const RECOVERY: Record<Criticality, [number, number, number]> = {
  critical: [4, 2, 0.25],
  high: [24, 8, 4],
  medium: [72, 24, 24],
  low: [168, 72, 24],
};

const ASSESSORS = [
  'Informationssikkerhed og klinisk ledelse',
  'Systemforvaltning',
  'Medicoteknisk afdeling',
  'IT-arkitektur',
  'Klinisk IT',
];

interface Ctx {
  org: string;
  kind: OrgKind;
  rnd: Rnd;
  today: Date;
  profile: Profile;
  /** E-mail domain of the organisation (`.example`). */
  domain: string;
  /** The second octet of the organisation's 10.x.0.0/16. */
  net: number;
  owners: string[];
  systems: DemoSystemRow[];
  components: DemoComponentRow[];
  dependencies: DemoDependencyRow[];
  suppliers: Set<string>;
  /** Key codes → keys of the systems (core codes such as AD, EPJ, PACS) for `uses`. */
  byCode: Map<string, string>;
  /** Tag → system keys, for the process dependencies. */
  byTag: Map<Tag, string[]>;
  hosts: number;
}

const ago = (c: Ctx, lo: number, hi: number) => daysBefore(c.today, c.rnd.int(lo, hi));

/** The technical baseline of one system, after the organisation's profile. */
function baseline(c: Ctx, crit: Criticality | null, device: boolean, legacy: boolean) {
  const { rnd, profile: p } = c;
  const critical = crit === 'critical' || crit === 'high';
  const f = critical ? 1 : 0.8;
  const yes = (q: number) => rnd.chance(q * f);
  // A recorded "no" or nothing recorded at all: both are gaps.
  const no = () => (rnd.chance(0.5) ? false : null);
  const mfa = yes(p.mfa);
  const segmented = yes(device ? Math.min(1, p.segmented + 0.05) : p.segmented);
  const patched = yes(legacy ? p.patched * 0.3 : p.patched);
  const endpoint = yes(device ? p.endpoint * 0.4 : p.endpoint);
  const backup = yes(device ? p.backup * 0.5 : p.backup);
  const plan = yes(p.contingencyPlan);
  const planTested = plan && rnd.chance(p.contingencyTested);
  const procedure = yes(p.restoreProcedure);
  const restoreTested = rnd.chance(p.restoreTested * f);
  const restoreOld = !restoreTested && rnd.chance(0.4);
  return {
    mfa: mfa ? true : no(),
    mfa_on: mfa ? ago(c, 10, 300) : null,
    mfa_note: mfa ? (device ? 'Servicekonsol bag PAM med MFA' : 'Log-in via regionens IdP med MFA') : null,
    segmented: segmented ? true : no(),
    segmented_on: segmented ? ago(c, 20, 340) : null,
    patch_status: patched ? ('current' as const) : rnd.chance(0.7) ? ('behind' as const) : null,
    patch_confirmed_on: patched ? ago(c, 0, 25) : rnd.chance(0.5) ? ago(c, 45, 400) : null,
    patch_note: legacy ? 'Leverandøren udgiver ikke længere sikkerhedsopdateringer' : null,
    endpoint_protection: endpoint ? true : no(),
    endpoint_protection_on: endpoint ? ago(c, 5, 200) : null,
    backup: backup ? true : no(),
    backup_on: backup ? ago(c, 0, 60) : null,
    contingency_plan: plan ? true : no(),
    contingency_tested_on: planTested ? ago(c, 15, 340) : plan && rnd.chance(0.5) ? ago(c, 380, 900) : null,
    contingency_note: plan && !planTested ? 'Nødprocedure beskrevet, ikke afprøvet det seneste år' : null,
    restore_procedure: procedure ? true : no(),
    restore_procedure_on: procedure ? ago(c, 30, 500) : null,
    restore_procedure_link: procedure
      ? `https://dokumenter.${c.domain}/gendannelse/${c.systems.length + 1}`
      : null,
    restore_tested_on: restoreTested ? ago(c, 10, 330) : restoreOld ? ago(c, 400, 1100) : null,
    restore_result: restoreTested
      ? ('success' as const)
      : restoreOld
        ? rnd.pick(['success', 'partial', 'failed'] as const)
        : null,
    restore_test_note: restoreTested
      ? 'Fuld gendannelse til testmiljø'
      : restoreOld
        ? 'Seneste test er over et år gammel'
        : null,
  };
}

/** Adds one system (and its components and dependencies) from a template. */
function addSystem(
  c: Ctx,
  t: Tpl,
  key: string,
  name: string,
  opts: { link?: { org: string; key: string }; shared?: boolean; site?: string } = {},
) {
  const { rnd } = c;
  const legacy = t.legacy !== undefined && rnd.chance(t.legacy);
  const crit: Criticality | null = rnd.chance(
    t.health ? c.profile.assessed : Math.min(1, c.profile.assessed + 0.05),
  )
    ? t.crit
    : null;
  const [mtd, rto, rpo] = crit ? RECOVERY[crit] : [null, null, null];
  const host = `${t.code.toLowerCase().replace(/[^a-z0-9]/g, '')}-${(opts.site ?? 'dc').toLowerCase()}-${String(++c.hosts).padStart(3, '0')}`;
  const subnet = device(t) ? 100 + (c.hosts % 100) : c.hosts % 100;
  const ip = `10.${c.net}.${subnet}.${10 + (c.hosts % 240)}`;
  const comps = legacy && t.legacyComps ? t.legacyComps : (t.comps ?? []);
  const os = comps.map((k) => COMPONENTS[k]).find((x) => x.cpe?.startsWith('cpe:2.3:o:'));
  const version = legacy && t.legacyComps ? `${t.version ?? ''} (udgået)`.trim() : (t.version ?? null);
  const row: DemoSystemRow = {
    key,
    name,
    owner_email: c.owners.length > 0 && rnd.chance(0.6) ? rnd.pick(c.owners) : null,
    health_data: t.health !== undefined,
    health_data_categories: t.health ?? [],
    criticality: crit,
    assessed_by: crit ? rnd.pick(ASSESSORS) : null,
    assessed_on: crit ? ago(c, 20, 500) : null,
    mtd_hours: mtd,
    rto_hours: rto,
    rpo_hours: rpo,
    legacy,
    medical_device: t.device === true,
    vendor: t.vendor ?? null,
    product: t.product ?? null,
    model_number: t.model ?? null,
    version,
    cpe: t.cpe ?? null,
    purl: null,
    hosting: opts.link
      ? 'National drift (leverandørens datacenter)'
      : t.device
        ? `Medicoteknisk netværk${opts.site ? `, ${opts.site}` : ''}`
        : rnd.pick([
            'Regionalt datacenter',
            'Regionalt datacenter',
            'Leverandørens cloud (EU)',
            'On-premise',
          ]),
    hostnames: opts.link ? [] : [host],
    ip_addresses: opts.link ? [] : [ip],
    fqdns: t.web && !opts.link ? [`${host}.${c.domain}`] : [],
    ...baseline(c, crit, t.device === true, legacy),
    shared: opts.shared === true,
    link: opts.link ?? null,
  };
  if (os && legacy) row.patch_note = `${os.product} uden sikkerhedsopdateringer`;
  c.systems.push(row);
  for (const k of comps) {
    const x = COMPONENTS[k];
    c.components.push({
      key: `${key}:${k}`,
      system: key,
      vendor: x.vendor,
      product: x.product,
      version: x.version,
      model_number: null,
      cpe: x.cpe,
      purl: x.purl,
    });
  }
  for (const code of t.uses ?? []) {
    const to = c.byCode.get(code);
    if (to && to !== key)
      c.dependencies.push({ from_type: 'system', from_key: key, to_type: 'system', to_key: to });
  }
  c.suppliers.add(t.supplier);
  c.dependencies.push({ from_type: 'system', from_key: key, to_type: 'supplier', to_key: t.supplier });
  if (!c.byCode.has(t.code)) c.byCode.set(t.code, key);
  for (const tag of t.tags) c.byTag.set(tag, [...(c.byTag.get(tag) ?? []), key]);
}
const device = (t: Tpl) => t.device === true;

/** The organisation's use of a shared record, as its own system row. */
function addLink(c: Ctx, ref: { org: string; key: string; name: string }, localKey: string) {
  const national = ref.key !== 'EPJ';
  // Each organisation assesses its own use: the medication card stops a hospital's or a
  // pharmacy's work within hours; a municipality or a practice has longer workarounds.
  const own =
    ['region', 'hospital', 'pharmacy'].includes(c.kind) || (ref.key === 'FMK' && c.kind === 'practice');
  const t: Tpl = {
    code: localKey,
    name: ref.name,
    crit: own ? 'critical' : 'high',
    health: ref.key === 'FMK' ? MEDICATION : PATIENT,
    tags: ref.key === 'FMK' ? ['medicin', 'akut'] : ['akut', 'pleje', 'medicin', 'lab', 'billede'],
    supplier: national ? 'nordlys-sundheds-it' : 'drift',
  };
  addSystem(c, t, localKey, `${ref.name} – lokal anvendelse`, { link: { org: ref.org, key: ref.key } });
}

/** Process → system dependencies: each process on (a sample of) the systems with its tag. */
function addProcesses(c: Ctx, processes: Array<DemoProcessRow & { tag: Tag }>, perProcess: number) {
  const out: DemoProcessRow[] = [];
  for (const p of processes) {
    const keys = c.byTag.get(p.tag) ?? [];
    if (keys.length === 0) continue;
    out.push({ key: p.key, name: p.name, importance: p.importance, description: p.description });
    const picked = new Set<string>();
    for (const k of keys.slice(0, 6)) picked.add(k);
    while (picked.size < Math.min(perProcess, keys.length)) picked.add(c.rnd.pick(keys));
    for (const k of picked)
      c.dependencies.push({ from_type: 'process', from_key: p.key, to_type: 'system', to_key: k });
  }
  return out;
}

function instances(c: Ctx, t: Tpl): number {
  if (t.p !== undefined && !c.rnd.chance(t.p)) return 0;
  const [lo, hi] = t.n ?? [1, 1];
  return c.rnd.int(lo, hi);
}

function finish(c: Ctx, processes: DemoProcessRow[]): DemoInventory {
  const seen = new Set<string>();
  const dependencies = c.dependencies.filter((d) => {
    const id = `${d.from_type}|${d.from_key}|${d.to_type}|${d.to_key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return {
    org: c.org,
    systems: c.systems,
    components: c.components,
    processes,
    suppliers: [...c.suppliers]
      .sort()
      .map((key) => ({ key, ...(SUPPLIERS[key] as Omit<DemoSupplierRow, 'key'>) })),
    dependencies,
  };
}

export interface DemoInventoryOrg {
  slug: string;
  kind: OrgKind;
  /** E-mail domain of the organisation. */
  domain: string;
  /** E-mails of its system owners (members with that role). */
  owners: string[];
}

// biome-ignore format: one entry per line reads as a table
const SMALL: Partial<Record<OrgKind, Tpl[]>> = {
  municipality: [
    { code: 'OMSORG', name: 'Omsorgsjournal (hjemmepleje og plejecentre)', vendor: 'Systematic', product: 'Cura', version: '2024.4', crit: 'critical', health: PATIENT, tags: ['pleje', 'medicin'], supplier: 'klinisk', comps: ['ws2019', 'sql2019'] },
    { code: 'SUNDPLEJE', name: 'Sundhedsplejens journal', vendor: 'Nordlys Sundheds-IT', product: 'Sundhedspleje', version: '3.1', crit: 'medium', health: PATIENT, tags: ['ambulant'], supplier: 'nordlys-sundheds-it', web: true },
    { code: 'TANDPLEJE', name: 'Kommunal tandpleje', vendor: 'Nordlys Sundheds-IT', product: 'Tand', version: '5.2', crit: 'low', health: PATIENT, tags: ['ambulant'], supplier: 'nordlys-sundheds-it', comps: ['ws2012r2', 'sql2012'], legacy: 1 },
    { code: 'MOBIL', name: 'Mobile enheder i hjemmeplejen (MDM)', vendor: 'Microsoft', product: 'Intune', version: 'cloud', crit: 'high', tags: ['pleje'], supplier: 'drift' },
    { code: 'NOEDKALD', name: 'Nødkaldeanlæg hos borgere', vendor: 'Nordlys Sundheds-IT', product: 'Tryghedsalarm', model: 'TA-4', version: '4.0', crit: 'high', health: ['CPR-nummer'], device: true, tags: ['pleje'], supplier: 'medtek' },
    { code: 'MEDCOM', name: 'MedCom-kommunikation (VANS)', vendor: 'Nordlys Sundheds-IT', product: 'Korrespondance', version: '2.0', crit: 'high', health: PATIENT, tags: ['pleje', 'medicin'], supplier: 'nordlys-sundheds-it' },
    { code: 'AD', name: 'Active Directory', vendor: 'Microsoft', product: 'Active Directory Domain Services', version: '2019', crit: 'high', tags: ['personale'], supplier: 'drift', comps: ['ws2019'] },
    { code: 'LOEN', name: 'Løn (OPUS)', vendor: 'KMD', product: 'KMD Opus Løn', version: '2025', crit: 'low', tags: ['personale'], supplier: 'adm' },
    { code: 'BACKUP', name: 'Backup', vendor: 'Veeam', product: 'Backup & Replication', version: '11', crit: 'high', tags: ['pleje'], supplier: 'drift', comps: ['ws2019', 'veeam'] },
  ],
  practice: [
    { code: 'LAEGESYS', name: 'Lægepraksissystem', vendor: 'Nordlys Sundheds-IT', product: 'Praksis', version: '11.2', crit: 'critical', health: PATIENT, tags: ['ambulant', 'medicin'], supplier: 'nordlys-sundheds-it', comps: ['ws2016', 'sql2019'] },
    { code: 'SDN', name: 'Sundhedsdatanet (VPN-forbindelse)', vendor: 'Cisco', product: 'ISR 1100', model: 'C1111-4P', version: '17.6', crit: 'high', tags: ['ambulant'], supplier: 'net' },
    { code: 'BOOKING', name: 'Online tidsbestilling', vendor: 'Nordlys Sundheds-IT', product: 'Tid', version: '2.4', crit: 'low', health: ['CPR-nummer'], tags: ['ambulant'], supplier: 'nordlys-sundheds-it', web: true },
    { code: 'EKG', name: 'EKG-apparat', vendor: 'Schiller', product: 'CARDIOVIT AT-102 G2', model: 'AT-102 G2', version: '2.1', crit: 'medium', health: VITALS, device: true, tags: ['ambulant'], supplier: 'medtek' },
    { code: 'SPIRO', name: 'Spirometer', vendor: 'Vyaire Medical', product: 'Vyntus SPIRO', model: 'Vyntus SPIRO', version: '1.7', crit: 'low', health: VITALS, device: true, legacy: 0.5, tags: ['ambulant'], supplier: 'medtek', legacyComps: ['win7'] },
  ],
  pharmacy: [
    { code: 'APOSYS', name: 'Apotekssystem', vendor: 'Nordlys Sundheds-IT', product: 'Apotek', version: '9.0', crit: 'critical', health: MEDICATION, tags: ['medicin'], supplier: 'nordlys-sundheds-it', comps: ['ws2019', 'sql2019'] },
    { code: 'DOSIS', name: 'Dosisdispensering – robot', vendor: 'Omnicell', product: 'VBM 200F', model: 'VBM 200F', version: '3.2', crit: 'high', health: MEDICATION, device: true, tags: ['medicin'], supplier: 'medtek', comps: ['win10iot'] },
    { code: 'KASSE', name: 'Kassesystem', vendor: 'Nordlys Sundheds-IT', product: 'Kasse', version: '4.1', crit: 'medium', tags: ['medicin'], supplier: 'nordlys-sundheds-it', comps: ['ws2012r2'], legacy: 1 },
    { code: 'KOEL', name: 'Køleovervågning', vendor: 'Nordlys Sundheds-IT', product: 'TempAlarm', version: '2.7', crit: 'medium', device: true, tags: ['medicin'], supplier: 'nordlys-sundheds-it' },
  ],
  supplier: [
    { code: 'HOSTING', name: 'Driftsplatform for kunders kliniske integrationer', vendor: 'Nordlys Sundheds-IT', product: 'Nordlys Hosting', version: '2025.1', crit: 'critical', health: PATIENT, tags: ['medicin'], supplier: 'drift', comps: ['rhel8', 'nginx', 'openssl30', 'log4j'], web: true },
    { code: 'SERVICEDESK', name: 'Servicedesk og sagsstyring', vendor: 'Nordlys Sundheds-IT', product: 'Sag', version: '3.3', crit: 'medium', tags: ['personale'], supplier: 'drift', web: true },
    { code: 'FJERN', name: 'Fjernadgang til kundemiljøer', vendor: 'Cisco', product: 'Secure Client', version: '5.1', crit: 'critical', tags: ['medicin'], supplier: 'net' },
    { code: 'BYG', name: 'Build- og releaseservere', vendor: 'Nordlys Sundheds-IT', product: 'CI', version: '2.0', crit: 'high', tags: ['personale'], supplier: 'drift', comps: ['rhel8', 'jre8'] },
    { code: 'AD', name: 'Active Directory', vendor: 'Microsoft', product: 'Active Directory Domain Services', version: '2022', crit: 'high', tags: ['personale'], supplier: 'drift', comps: ['ws2022'] },
  ],
  sector_unit: [
    { code: 'SOC', name: 'Sektor-SOC – logplatform', vendor: 'Splunk', product: 'Splunk Enterprise', version: '9.2.1', crit: 'high', tags: ['akut'], supplier: 'drift', comps: ['rhel8'] },
    { code: 'VARSEL', name: 'Varslingstjeneste til sektoren', vendor: 'Nordlys Sundheds-IT', product: 'Varsel', version: '1.2', crit: 'high', tags: ['akut'], supplier: 'nordlys-sundheds-it', web: true },
  ],
};

/**
 * The inventory of one demo organisation. Pure: the same organisation and day give the same
 * rows (a PRNG seeded with the slug).
 */
export function demoInventory(org: DemoInventoryOrg, today: Date, index: number): DemoInventory {
  const c: Ctx = {
    org: org.slug,
    kind: org.kind,
    rnd: prng(`vaern-demo-inventory:${org.slug}`),
    today,
    profile: (PROFILES[org.slug] ??
      PROFILES[
        org.kind === 'hospital' ? 'hospital' : org.kind === 'sector_unit' ? 'sector' : 'small'
      ]) as Profile,
    domain: org.domain,
    net: 10 + index,
    owners: org.owners,
    systems: [],
    components: [],
    dependencies: [],
    suppliers: new Set(),
    byCode: new Map(),
    byTag: new Map(),
    hosts: 0,
  };
  const links = DEMO_SHARED.filter((s) => s.linkedBy.includes(org.slug));
  if (org.kind === 'region') {
    const epj = EPJ[org.slug];
    const link = links.find((l) => l.key === 'EPJ');
    // The EPJ first, so that every other system's `uses: ['EPJ']` finds it.
    if (epj)
      addSystem(
        c,
        {
          ...epj,
          code: 'EPJ',
          crit: 'critical',
          health: PATIENT,
          tags: ['akut', 'medicin', 'pleje', 'operation', 'ambulant', 'foedsel', 'kraeft'],
          supplier: 'nordlys-sundheds-it',
          web: true,
        },
        'EPJ',
        epj.name,
        { shared: org.slug === 'region-hovedstaden' },
      );
    else if (link) addLink(c, link, 'EPJ');
    for (const l of links.filter((x) => x.key !== 'EPJ')) addLink(c, l, l.key);
    for (const t of CORE) addSystem(c, t, t.code, t.name);
    for (const [code, site] of SITES[org.slug] ?? []) {
      const psychiatry = code === 'PSY';
      for (const t of SITE) {
        // Psychiatry has no scanners, lab analysers or operating theatres of its own.
        if (
          psychiatry &&
          !['FIL', 'KIOSK', 'PKALD', 'CTSLOK', 'NOEDSTROEM', 'KOEL', 'INF', 'MON', 'EKG'].includes(t.code)
        )
          continue;
        const n = instances(c, t);
        for (let i = 1; i <= n; i++) {
          const key = `${t.code}-${code}${n > 1 ? `-${i}` : ''}`;
          const name = t.name.replace('{site}', n > 1 ? `${site} (${i})` : site);
          addSystem(c, t, key, name, { site: code });
        }
      }
    }
    return finish(c, addProcesses(c, PROCESSES, 12));
  }
  for (const l of links) addLink(c, l, l.key);
  if (org.kind === 'sector_unit') {
    for (const s of DEMO_SHARED.filter((x) => x.org === org.slug)) {
      const id = SHARED_IDENTITY[s.key] ?? {};
      addSystem(
        c,
        {
          ...id,
          code: s.key,
          name: s.name,
          crit: 'critical',
          health: s.key === 'FMK' ? MEDICATION : PATIENT,
          tags: ['medicin', 'akut'],
          supplier: 'nordlys-sundheds-it',
          web: true,
        },
        s.key,
        s.name,
        { shared: true },
      );
    }
  }
  const templates = org.kind === 'hospital' ? HOSPITAL : (SMALL[org.kind] ?? []);
  for (const t of templates) {
    const n = org.kind === 'hospital' ? instances(c, t) : 1;
    for (let i = 1; i <= n; i++) {
      const key = `${t.code}${n > 1 ? `-${i}` : ''}`;
      addSystem(c, t, key, n > 1 ? `${t.name} (${i})` : t.name);
    }
  }
  if (org.kind === 'hospital') {
    // A hospital's share of its region's site systems, under its own keys.
    for (const t of SITE.filter((x) =>
      ['CT', 'MR', 'MON', 'INF', 'BGAS', 'KEMI', 'ANAESAPP', 'RESP'].includes(x.code),
    )) {
      const n = c.rnd.int(1, 3);
      for (let i = 1; i <= n; i++) addSystem(c, t, `${t.code}-${i}`, t.name.replace('{site}', `afsnit ${i}`));
    }
  }
  return finish(c, addProcesses(c, PROCESSES, 8));
}

// Loading it -----------------------------------------------------------------------------------

/** Columns and their SQL types, as jsonb_to_recordset reads them. */
const SYSTEM_COLUMNS: Array<[string, string]> = [
  ['id', 'uuid'],
  ['key', 'text'],
  ['name', 'text'],
  ['owner_id', 'uuid'],
  ['health_data', 'boolean'],
  ['health_data_categories', 'text[]'],
  ['criticality', 'text'],
  ['assessed_by', 'text'],
  ['assessed_on', 'date'],
  ['mtd_hours', 'numeric'],
  ['rto_hours', 'numeric'],
  ['rpo_hours', 'numeric'],
  ['legacy', 'boolean'],
  ['medical_device', 'boolean'],
  ['vendor', 'text'],
  ['product', 'text'],
  ['model_number', 'text'],
  ['version', 'text'],
  ['cpe', 'text'],
  ['purl', 'text'],
  ['hosting', 'text'],
  ['hostnames', 'text[]'],
  ['ip_addresses', 'cidr[]'],
  ['fqdns', 'text[]'],
  ['mfa', 'boolean'],
  ['mfa_on', 'date'],
  ['mfa_note', 'text'],
  ['segmented', 'boolean'],
  ['segmented_on', 'date'],
  ['patch_status', 'text'],
  ['patch_confirmed_on', 'date'],
  ['patch_note', 'text'],
  ['endpoint_protection', 'boolean'],
  ['endpoint_protection_on', 'date'],
  ['backup', 'boolean'],
  ['backup_on', 'date'],
  ['contingency_plan', 'boolean'],
  ['contingency_tested_on', 'date'],
  ['contingency_note', 'text'],
  ['restore_procedure', 'boolean'],
  ['restore_procedure_on', 'date'],
  ['restore_procedure_link', 'text'],
  ['restore_tested_on', 'date'],
  ['restore_result', 'text'],
  ['restore_test_note', 'text'],
  ['shared', 'boolean'],
  ['shared_org_id', 'uuid'],
  ['shared_system_id', 'uuid'],
];
const COMPONENT_COLUMNS: Array<[string, string]> = [
  ['id', 'uuid'],
  ['key', 'text'],
  ['system_id', 'uuid'],
  ['vendor', 'text'],
  ['product', 'text'],
  ['version', 'text'],
  ['model_number', 'text'],
  ['cpe', 'text'],
  ['purl', 'text'],
];
const PROCESS_COLUMNS: Array<[string, string]> = [
  ['id', 'uuid'],
  ['key', 'text'],
  ['name', 'text'],
  ['importance', 'text'],
  ['description', 'text'],
];
const SUPPLIER_COLUMNS: Array<[string, string]> = [
  ['id', 'uuid'],
  ['key', 'text'],
  ['name', 'text'],
  ['contact_name', 'text'],
  ['contact_email', 'text'],
  ['contact_phone', 'text'],
  ['notes', 'text'],
];
const DEPENDENCY_COLUMNS: Array<[string, string]> = [
  ['id', 'uuid'],
  ['from_type', 'text'],
  ['from_process_id', 'uuid'],
  ['from_system_id', 'uuid'],
  ['to_type', 'text'],
  ['to_system_id', 'uuid'],
  ['to_supplier_id', 'uuid'],
];

/**
 * One set-based INSERT of all of an organisation's rows of one table: the rows travel as one
 * jsonb parameter and jsonb_to_recordset turns them into a relation. The column names and types
 * are the constants above (never input), so sql.raw is safe here.
 */
async function insertRows(
  tx: Tx,
  table: string,
  orgId: string,
  columns: Array<[string, string]>,
  rows: object[],
) {
  if (rows.length === 0) return;
  const names = columns.map(([n]) => n).join(', ');
  const defs = columns.map(([n, t]) => `${n} ${t}`).join(', ');
  await sql`insert into ${sql.table(table)} (org_id, ${sql.raw(names)})
            select ${orgId}::uuid, ${sql.raw(names)}
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.raw(defs)})`.execute(tx.q);
}

/**
 * Loads the demo inventory of every organisation in `orgs` (the demo sector, already created),
 * owners of shared records first.
 *
 * Why not the inventory's service functions, as the rest of the demo seed does (ADR 003)? The
 * demo holds some 2,000 systems with their components, processes, suppliers and dependencies:
 * one audited transaction per record would be well over 10,000 transactions and audit entries,
 * tens of seconds on the embedded database at every first start (and twice in demo.test.ts).
 * Instead each organisation's inventory is ONE transaction as the operator "seed", inside
 * withTenant (row-level security applies: the rows are inserted as vaern_app under the operator
 * scope), with one set-based INSERT per table and ONE audit entry `inventory.seed` whose `after`
 * holds the counts. The rows carry no `imported_by`, so they are live at once, exactly like rows
 * created through the API. The values are generated to the registers' rules (fields.ts): keys,
 * CPE 2.3 names, package URLs and host names pass the same checks as an import
 * (demo.test.ts checks them).
 */
export async function seedDemoInventory(
  ctx: AppContext,
  actor: Actor,
  orgs: ReadonlyArray<{ id: string; slug: string; kind: OrgKind; domain: string }>,
  today: Date,
): Promise<Array<{ org: string; systems: number }>> {
  // The sector unit's national records first, then the other owners of shared records, then the
  // organisations that only link: a link row needs the id of the record it links to.
  const rank = (o: { slug: string; kind: OrgKind }) =>
    o.kind === 'sector_unit' ? 0 : DEMO_SHARED.some((s) => s.org === o.slug) ? 1 : 2;
  const ownersFirst = [...orgs].sort((a, b) => rank(a) - rank(b));
  /** `<owner slug>/<key>` → the shared record's ids, as its owner's transaction inserted it. */
  const sharedIds = new Map<string, { orgId: string; id: string }>();
  const out: Array<{ org: string; systems: number }> = [];
  for (const org of ownersFirst) {
    const index = orgs.indexOf(org);
    await withTenant(ctx.db.kysely, { orgIds: [org.id], operator: true }, async (tx) => {
      const members = await sql<{ id: string; email: string }>`
        select u.id, u.email from memberships m join users u on u.id = m.user_id
        where m.org_id = ${org.id}::uuid and m.role = 'system_owner' order by u.email`.execute(tx.q);
      const ownerIds = new Map(members.rows.map((m) => [m.email, m.id]));
      const inv = demoInventory(
        { slug: org.slug, kind: org.kind, domain: org.domain, owners: [...ownerIds.keys()] },
        today,
        index,
      );
      const ids = {
        system: new Map(inv.systems.map((s) => [s.key, randomUUID()])),
        process: new Map(inv.processes.map((p) => [p.key, randomUUID()])),
        supplier: new Map(inv.suppliers.map((s) => [s.key, randomUUID()])),
      };
      const systems = inv.systems.map(({ owner_email, link, ...s }) => {
        const target = link ? sharedIds.get(`${link.org}/${link.key}`) : undefined;
        if (link && !target) throw new Error(`demo inventory: no shared record ${link.org}/${link.key}`);
        const id = ids.system.get(s.key) as string;
        if (s.shared) sharedIds.set(`${org.slug}/${s.key}`, { orgId: org.id, id });
        return {
          ...s,
          id,
          owner_id: owner_email ? (ownerIds.get(owner_email) ?? null) : null,
          shared_org_id: target?.orgId ?? null,
          shared_system_id: target?.id ?? null,
        };
      });
      const components = inv.components.map(({ system, ...x }) => ({
        ...x,
        id: randomUUID(),
        system_id: ids.system.get(system),
      }));
      const dependencies = inv.dependencies.map((d) => ({
        id: randomUUID(),
        from_type: d.from_type,
        from_process_id: d.from_type === 'process' ? ids.process.get(d.from_key) : null,
        from_system_id: d.from_type === 'system' ? ids.system.get(d.from_key) : null,
        to_type: d.to_type,
        to_system_id: d.to_type === 'system' ? ids.system.get(d.to_key) : null,
        to_supplier_id: d.to_type === 'supplier' ? ids.supplier.get(d.to_key) : null,
      }));
      await insertRows(tx, 'inventory_systems', org.id, SYSTEM_COLUMNS, systems);
      await insertRows(tx, 'inventory_components', org.id, COMPONENT_COLUMNS, components);
      await insertRows(
        tx,
        'inventory_processes',
        org.id,
        PROCESS_COLUMNS,
        inv.processes.map((p) => ({ ...p, id: ids.process.get(p.key) })),
      );
      await insertRows(
        tx,
        'inventory_suppliers',
        org.id,
        SUPPLIER_COLUMNS,
        inv.suppliers.map((s) => ({ ...s, id: ids.supplier.get(s.key) })),
      );
      await insertRows(tx, 'inventory_dependencies', org.id, DEPENDENCY_COLUMNS, dependencies);
      const counts = {
        systems: systems.length,
        legacy: systems.filter((s) => s.legacy).length,
        medical_devices: systems.filter((s) => s.medical_device).length,
        shared: systems.filter((s) => s.shared).length,
        links: systems.filter((s) => s.shared_system_id).length,
        components: components.length,
        processes: inv.processes.length,
        suppliers: inv.suppliers.length,
        dependencies: dependencies.length,
      };
      await recordAudit(tx, ctx.anchors, {
        chain: org.id,
        actor,
        action: 'inventory.seed',
        targetType: 'organisation',
        targetId: org.id,
        after: { source: 'demo seed', ...counts },
      });
      out.push({ org: org.slug, systems: systems.length });
    });
  }
  return out;
}
