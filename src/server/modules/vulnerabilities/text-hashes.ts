import { hash } from 'node:crypto';

/**
 * The key of a finding's texts in `finding_texts` (migration 0040): SHA-256 of the description and
 * the solution (null and empty told apart); null when the item has neither.
 */
export function textHashOf(description: string | null, solution: string | null): string | null {
  if (description === null && solution === null) return null;
  return hash('sha256', JSON.stringify([description, solution]));
}

/**
 * The text hashes of the rules read last, with the texts they were computed from: a rule's texts
 * are usually the same on every host, and comparing strings costs far less than hashing them
 * again (SHA-256 of 100,000 items' texts took about a tenth of a large scan's reading). Bounded by
 * the characters it keeps: the oldest rules go first.
 */
export class TextHashes {
  #byRule = new Map<string, { description: string | null; solution: string | null; hash: string | null }>();
  #chars = 0;

  constructor(private readonly maxChars = 4_000_000) {}

  /** The characters of the texts kept. */
  get keptChars(): number {
    return this.#chars;
  }

  of(rule: string, description: string | null, solution: string | null): string | null {
    const known = this.#byRule.get(rule);
    if (known && known.description === description && known.solution === solution) return known.hash;
    const hash = textHashOf(description, solution);
    if (known) this.#forget(rule, known);
    this.#byRule.set(rule, { description: own(description), solution: own(solution), hash });
    this.#chars += (description?.length ?? 0) + (solution?.length ?? 0);
    for (const [oldest, entry] of this.#byRule) {
      if (this.#chars <= this.maxChars || oldest === rule) break;
      this.#forget(oldest, entry);
    }
    return hash;
  }

  #forget(rule: string, entry: { description: string | null; solution: string | null }): void {
    this.#byRule.delete(rule);
    this.#chars -= (entry.description?.length ?? 0) + (entry.solution?.length ?? 0);
  }
}

/**
 * A copy of a text that holds nothing else alive: a parser's text may be a slice of the piece of
 * the file it was read from (formats/text.ts), which a kept slice would keep in memory.
 */
const own = (text: string | null): string | null =>
  text === null ? null : Buffer.from(text, 'utf8').toString('utf8');
