import path from 'node:path';
import { connect, expectOk } from '../client.js';
import { type Command, optionalString } from '../command.js';
import { readAll } from './org.js';

const PLATFORM_CHAIN = '00000000-0000-0000-0000-000000000000';

type Kind = 'altered' | 'removed' | 'truncated' | 'anchor_invalid';

interface Verification {
  ok: boolean;
  chains: number;
  entries: number;
  problems: Array<{ chain: string; seq: number; kind: Kind }>;
  anchors: { file: string; lines: number; chains: number };
}

const MEANING: Record<Kind, string> = {
  altered:
    'changed after it was written (its hash, its link to the entry before, its head or its anchor disagree)',
  removed: 'missing from the chain',
  truncated: 'the chain ends before this entry, although its head or an anchor says it went further',
  anchor_invalid: 'an anchor line that fails its HMAC or does not parse (forged or damaged)',
};

function describeChain(chain: string, slugs: Map<string, string>): string {
  if (chain === '') return 'anchor file';
  if (chain === PLATFORM_CHAIN) return `platform (${chain})`;
  const slug = slugs.get(chain);
  return slug ? `${slug} (${chain})` : `unknown organisation (${chain})`;
}

export const auditVerify: Command = {
  name: 'audit verify',
  summary: 'Verify the audit trail: every hash chain, its head and its anchors',
  usage: '[--anchors <file>]',
  help: [
    '--anchors   check against this anchor file (e.g. a copy kept elsewhere) instead of the',
    "            instance's own (VAERN_AUDIT_ANCHORS or <data dir>/audit-anchors.jsonl)",
    'Exit code 0 when the trail is intact, 1 when anything is altered, removed or truncated.',
  ],
  options: { anchors: { type: 'string' } },
  async run({ values, io }) {
    const anchors = optionalString(values, 'anchors');
    const client = await connect();
    try {
      const result = expectOk<Verification>(
        await client.request(
          'POST',
          '/api/v1/operator/audit/verify',
          anchors === undefined ? {} : { anchors: path.resolve(anchors) },
        ),
      );
      const problems = result.problems.map(({ chain, seq, kind }) => ({ chain, seq, kind }));
      if (result.ok) io.emit({ ok: true, chains: result.chains, entries: result.entries, problems });
      else io.emit({ ok: false, problems });
      if (!io.json) {
        const checked = `${result.chains} chain(s) and ${result.entries} entr${result.entries === 1 ? 'y' : 'ies'}`;
        const anchorNote = `anchors: ${result.anchors.file} (${result.anchors.lines} line(s), ${result.anchors.chains} chain(s) anchored)`;
        if (result.ok) {
          io.say(`The audit trail is intact: ${checked} verified.`);
          io.say(anchorNote);
        } else {
          const orgs = await readAll<{ id: string; slug: string }>(client, '/api/v1/orgs');
          const slugs = new Map(orgs.map((o) => [o.id, o.slug]));
          io.say(`The audit trail is NOT intact: ${problems.length} problem(s) found in ${checked}.`);
          io.say(anchorNote);
          let current: string | undefined;
          for (const p of problems) {
            if (p.chain !== current) {
              current = p.chain;
              io.say(`\n${describeChain(p.chain, slugs)}`);
            }
            io.say(`  seq ${String(p.seq).padStart(8)}  ${p.kind.padEnd(14)}  ${MEANING[p.kind]}`);
          }
        }
      }
      return result.ok ? 0 : 1;
    } finally {
      await client.close();
    }
  },
};
