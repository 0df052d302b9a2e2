import type { OrgRole } from '../server/lib/actor.js';

/**
 * More people in the demo hospitals, so that member lists look like a workplace: system owners and
 * staff. They have no password (no login); the demo logins are DEMO_USERS in demo.ts.
 */
export interface DemoPerson {
  email: string;
  name: string;
  org: string;
  role: Extract<OrgRole, 'system_owner' | 'member'>;
}

const person = (org: string, domain: string, name: string, role: DemoPerson['role']): DemoPerson => {
  const local = name
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'oe')
    .replaceAll('å', 'aa')
    .replace(/\s+/g, '.');
  return { email: `${local}@${domain}`, name, org, role };
};

export const DEMO_PEOPLE: DemoPerson[] = [
  person('rigshospitalet', 'rigshospitalet.example', 'Tine Gregersen', 'system_owner'),
  person('rigshospitalet', 'rigshospitalet.example', 'Bo Lindholm', 'member'),
  person('herlev-gentofte-hospital', 'herlev-gentofte-hospital.example', 'Eva Juhl', 'system_owner'),
  person('herlev-gentofte-hospital', 'herlev-gentofte-hospital.example', 'Kim Bisgaard', 'member'),
  person(
    'sjaellands-universitetshospital',
    'sjaellands-universitetshospital.example',
    'Jakob Friis',
    'system_owner',
  ),
  person('sjaellands-universitetshospital', 'sjaellands-universitetshospital.example', 'Nina Dam', 'member'),
  person('odense-universitetshospital', 'odense-universitetshospital.example', 'Lise Bjerre', 'system_owner'),
  person('odense-universitetshospital', 'odense-universitetshospital.example', 'Allan Krogh', 'member'),
  person('sydvestjysk-sygehus', 'sydvestjysk-sygehus.example', 'Randi Toft', 'system_owner'),
  person('aarhus-universitetshospital', 'aarhus-universitetshospital.example', 'Emil Holst', 'system_owner'),
  person('aarhus-universitetshospital', 'aarhus-universitetshospital.example', 'Signe Vang', 'member'),
  person(
    'regionshospitalet-goedstrup',
    'regionshospitalet-goedstrup.example',
    'Torben Aagaard',
    'system_owner',
  ),
  person(
    'aalborg-universitetshospital',
    'aalborg-universitetshospital.example',
    'Maja Lykke',
    'system_owner',
  ),
  person('aalborg-universitetshospital', 'aalborg-universitetshospital.example', 'Palle Stærk', 'member'),
];
