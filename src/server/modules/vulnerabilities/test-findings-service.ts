import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import { findOrgBySlug } from '../directory/queries.js';
import { findingsPolicy } from './findings-policy.js';
import { presentFinding } from './findings-present.js';
import * as fq from './findings-queries.js';
import { fingerprintOf } from './scan-import.js';
import './scan-messages.js';
import * as q from './test-findings-queries.js';
import './test-findings-messages.js';
import type { z } from 'zod';
import type { testFindingBody } from './test-findings-schemas.js';

interface Opts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

const authorise = (allowed: boolean) => {
  if (!allowed) throw forbidden();
};

const userOf = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** A test finding as the API shows it to its owner: the finding, its engagement, who it is shared with. */
async function readTestFinding(tx: Tx, orgId: string, id: string) {
  const row = await fq.findFinding(tx, orgId, id);
  const test = await q.findTestFinding(tx, orgId, id);
  if (!row || !test) throw notFound('findings.not_found');
  const shares = await q.listShares(tx, orgId, id);
  return {
    finding: presentFinding(row),
    engagement: {
      kind: test.family as 'pentest' | 'redteam',
      name: test.engagement,
      tester: test.tester,
      tested_on: test.tested_on,
    },
    shared_with: shares.map((s) => ({
      org: { id: s.org_id, slug: s.slug, name: s.name },
      shared_at: iso(s.shared_at),
    })),
  };
}

/**
 * Enters a penetration-test or red-team result as a finding of family `pentest` or `redteam`:
 * its own identity (no scan's scope covers those families, so no re-scan closes it), due date by
 * the SLA, counted in today's figures, audited.
 */
export async function createTestFinding(opts: Opts & { body: z.infer<typeof testFindingBody> }) {
  const { ctx, actor, org, body } = opts;
  authorise(findingsPolicy.enterTest(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    let systemId: string | null = null;
    if (body.system !== undefined) {
      systemId = (await q.systemIdByKey(tx, org.id, body.system)) ?? null;
      if (systemId === null) throw badRequest('findings.test_system_unknown', { key: body.system });
    }
    const host = (body.host ?? body.system ?? 'manual').toLowerCase();
    const rule = `${body.kind}:${randomUUID()}`;
    const port = body.port ?? null;
    const protocol = body.protocol?.toLowerCase() ?? null;
    const id = await q.insertTestFinding(
      tx,
      org.id,
      {
        family: body.kind,
        fingerprint: fingerprintOf({ family: body.kind, host, rule, port, protocol }),
        host,
        rule,
        port,
        protocol,
        systemId,
        title: body.title,
        severity: body.severity,
        cvss: body.cvss ?? null,
        cvssVector: body.cvss_vector ?? null,
        cves: [...new Set((body.cves ?? []).map((c) => c.toUpperCase()))],
        description: body.description ?? null,
        solution: body.solution ?? null,
        evidence: body.evidence ?? null,
      },
      {
        name: body.engagement,
        tester: body.tester ?? null,
        testedOn: body.tested_on ?? null,
        createdBy: userOf(actor),
      },
    );
    await fq.recomputeDueOf(tx, org.id, id);
    await fq.countChange(tx, org.id, id, null);
    const created = await readTestFinding(tx, org.id, id);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'finding.test_created',
      targetType: 'finding',
      targetId: id,
      after: {
        kind: body.kind,
        engagement: body.engagement,
        title: body.title,
        severity: body.severity,
        system: body.system ?? null,
      },
    });
    return created;
  });
}

export async function getTestFinding(opts: Opts & { id: string }) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) => readTestFinding(tx, org.id, opts.id));
}

/**
 * Shares a test finding with another organisation, read-only, or stops sharing it. Audited; the
 * recipient then reads it among its shared findings and nothing else of the owner's.
 */
export async function setShare(opts: Opts & { id: string; withSlug: string; shared: boolean }) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.share(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const test = await q.findTestFinding(tx, org.id, opts.id);
    if (!test) {
      if (await fq.findFinding(tx, org.id, opts.id)) throw badRequest('findings.not_a_test_finding');
      throw notFound('findings.not_found');
    }
    const target = await findOrgBySlug(tx, opts.withSlug);
    if (!target) throw badRequest('findings.share_org_unknown', { org: opts.withSlug });
    if (target.id === org.id) throw badRequest('findings.share_self');
    const changed = opts.shared
      ? await q.addShare(tx, org.id, opts.id, target.id, userOf(actor))
      : await q.removeShare(tx, org.id, opts.id, target.id);
    if (!opts.shared && !changed) throw notFound('findings.share_not_found', { org: opts.withSlug });
    if (changed) {
      await recordAudit(tx, ctx.anchors, {
        chain: org.id,
        actor,
        action: opts.shared ? 'finding.shared' : 'finding.unshared',
        targetType: 'finding',
        targetId: opts.id,
        after: { org_id: target.id, org: target.slug, engagement: test.engagement },
      });
    }
    return readTestFinding(tx, org.id, opts.id);
  });
}

/** Test findings other organisations shared with this one: read-only, worst first. */
export async function listSharedFindings(
  opts: Opts & { after: [number, string] | undefined; limit: number },
) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.listSharedWithOrg(tx, org.id, opts.after, opts.limit),
  );
}
