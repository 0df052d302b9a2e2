import { describe, expect, it } from 'vitest';
import { type Actor, ORG_ROLES } from '../../../server/lib/actor';
import { findingsPolicy } from '../../../server/modules/vulnerabilities/findings-policy';
import { reportPolicy } from '../../../server/modules/vulnerabilities/report-policy';
import type { Membership } from '../../app/api-types';
import {
  canAcceptRisk,
  canEnterTests,
  canImportScans,
  canReadFindings,
  canReadReports,
  canSetSla,
  canShareFindings,
  canSignReports,
  canTriage,
} from './access';

const ORG = '00000000-0000-4000-8000-000000000001';

function membership(role: (typeof ORG_ROLES)[number]): Membership {
  return {
    org: 'region',
    kind: 'region',
    roles: [role],
    access_until: null,
    data_period: null,
  } as Membership;
}

function person(role: (typeof ORG_ROLES)[number]): Actor {
  return {
    kind: 'user',
    userId: 'u',
    email: 'u@example.org',
    name: 'U',
    locale: 'en',
    platformAdmin: false,
    sessionId: 's',
    memberships: [{ orgId: ORG, slug: 'region', kind: 'region', roles: [role] }],
  };
}

// The web app shows a page or a button only to those the server lets through: each helper must
// answer as its server policy does, for every role alone.
const PAIRS = [
  ['read', canReadFindings, findingsPolicy.read],
  ['importScan', canImportScans, findingsPolicy.importScan],
  ['triage', canTriage, findingsPolicy.triage],
  ['setSla', canSetSla, findingsPolicy.setSla],
  ['acceptRisk', canAcceptRisk, findingsPolicy.acceptRisk],
  ['enterTest', canEnterTests, findingsPolicy.enterTest],
  ['share', canShareFindings, findingsPolicy.share],
  ['readReports', canReadReports, reportPolicy.read],
  ['signReports', canSignReports, (a: Actor, org: string) => reportPolicy.sign(a, org) === 'ok'],
] as const;

describe('the findings access helpers', () => {
  for (const [name, web, server] of PAIRS) {
    it(`answer as the server's ${name} for every role`, () => {
      for (const role of ORG_ROLES) {
        expect([role, web(membership(role))]).toEqual([role, server(person(role), ORG)]);
      }
    });
  }

  it('keep a sector coordinator out of the findings, which the server refuses them', () => {
    expect(canReadFindings(membership('sector_coordinator'))).toBe(false);
    expect(canReadFindings(membership('member'))).toBe(true);
    expect(canReadFindings(undefined)).toBe(false);
  });
});
