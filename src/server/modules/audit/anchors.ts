import { appendFileSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { deriveKey, hmacHex, safeEqual } from '../../lib/crypto.js';

export interface Anchor {
  chain: string;
  seq: number;
  hash: string;
  at: string;
  hmac: string;
}

/** An anchor line that does not parse or fails its HMAC: where it is and what it claims. */
export interface InvalidAnchorLine {
  /** 1-based line number in the file. */
  line: number;
  /** The chain the line names, or '' when it names none. */
  chain: string;
  /** The sequence number the line names, or 0 when it names none. */
  seq: number;
}

export interface AnchorReading {
  /** The newest authentic anchor of each chain. */
  latest: Map<string, Anchor>;
  invalid: InvalidAnchorLine[];
  /** Lines read, blank ones left out. */
  lines: number;
}

/**
 * Appends each chain head, with an HMAC under VAERN_SECRET, to a file outside the database.
 * Someone who rewrites the database cannot rewrite the anchors without the secret.
 */
export class AnchorFile {
  readonly #key: Buffer;

  constructor(
    readonly file: string,
    secret: string,
  ) {
    this.#key = deriveKey(secret, 'audit-anchor');
  }

  #mac(chain: string, seq: number, hash: string): string {
    return hmacHex(this.#key, `${chain}:${seq}:${hash}`);
  }

  append(heads: Array<{ chain: string; seq: number; hash: string }>): void {
    if (heads.length === 0) return;
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const at = new Date().toISOString();
    const lines = heads.map((h) =>
      JSON.stringify({
        chain: h.chain,
        seq: h.seq,
        hash: h.hash,
        at,
        hmac: this.#mac(h.chain, h.seq, h.hash),
      }),
    );
    appendFileSync(this.file, `${lines.join('\n')}\n`, { mode: 0o600 });
  }

  /**
   * The newest authentic anchor per chain, and every line that fails its HMAC or does not parse.
   * The file grows by one line per audit entry, so it is streamed line by line: memory stays
   * bounded by the number of chains, whatever the file's size. A missing file has no anchors.
   */
  async read(file: string = this.file): Promise<AnchorReading> {
    const latest = new Map<string, Anchor>();
    const invalid: InvalidAnchorLine[] = [];
    let lines = 0;
    if (!existsSync(file)) return { latest, invalid, lines };
    const input = createReadStream(file, { encoding: 'utf8' });
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let n = 0;
    try {
      for await (const line of reader) {
        n++;
        if (!line.trim()) continue;
        lines++;
        const a = parseLine(line);
        if (!a || !isAnchor(a) || !safeEqual(a.hmac, this.#mac(a.chain, a.seq, a.hash))) {
          invalid.push({
            line: n,
            chain: typeof a?.chain === 'string' ? a.chain : '',
            seq: typeof a?.seq === 'number' && Number.isSafeInteger(a.seq) ? a.seq : 0,
          });
          continue;
        }
        const prev = latest.get(a.chain);
        if (!prev || a.seq >= prev.seq) latest.set(a.chain, a);
      }
    } finally {
      reader.close();
      input.destroy();
    }
    return { latest, invalid, lines };
  }
}

function parseLine(line: string): Partial<Anchor> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Partial<Anchor>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isAnchor(a: Partial<Anchor>): a is Anchor {
  return (
    typeof a.chain === 'string' &&
    typeof a.seq === 'number' &&
    Number.isSafeInteger(a.seq) &&
    typeof a.hash === 'string' &&
    typeof a.hmac === 'string'
  );
}
