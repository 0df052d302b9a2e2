import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deriveKey, hmacHex, safeEqual } from '../../lib/crypto.js';

export interface Anchor {
  chain: string;
  seq: number;
  hash: string;
  at: string;
  hmac: string;
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

  /** The newest authentic anchor per chain, and the lines that fail their HMAC or do not parse. */
  read(file: string = this.file): { latest: Map<string, Anchor>; forged: number } {
    const latest = new Map<string, Anchor>();
    let forged = 0;
    if (!existsSync(file)) return { latest, forged };
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let a: Anchor;
      try {
        a = JSON.parse(line) as Anchor;
      } catch {
        forged++;
        continue;
      }
      if (
        typeof a.chain !== 'string' ||
        typeof a.seq !== 'number' ||
        typeof a.hash !== 'string' ||
        typeof a.hmac !== 'string' ||
        !safeEqual(a.hmac, this.#mac(a.chain, a.seq, a.hash))
      ) {
        forged++;
        continue;
      }
      const prev = latest.get(a.chain);
      if (!prev || a.seq >= prev.seq) latest.set(a.chain, a);
    }
    return { latest, forged };
  }
}
