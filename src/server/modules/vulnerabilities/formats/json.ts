import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { ScanFormatError } from './types.js';

/**
 * stream-json's end-of-input marker. stream-chain defines it with Symbol.for so that libraries can
 * share it without importing each other (as in inventory/sbom/json.ts).
 */
const END = Symbol.for('object-stream.none') as unknown as string;
/** Longest object key kept (a longer key is cut). */
const MAX_KEY = 1024;
/** Deepest nesting accepted. */
const MAX_DEPTH = 256;
/** Most values one built subtree (one result, one rule) may hold. */
export const MAX_BUILT_VALUES = 50_000;
/** Most elements of one array inside a built subtree; later ones are skipped. */
const MAX_BUILT_ARRAY = 1000;

export type Segment = string | number;

/** What to do with a value that starts at a path outside any built subtree. */
export type Decision = 'walk' | 'build' | 'skip';

export interface JsonVisitor {
  /** `walk` descends into a container (only containers can be walked), `build` assembles the value. */
  decide(path: readonly Segment[], kind: 'object' | 'array' | 'scalar', line: number): Decision;
  /** Top-level keys kept in a built subtree whose root is at `path` (all when it returns null). */
  keep(path: readonly Segment[]): ReadonlySet<string> | null;
  /** A built value is complete. */
  value(path: readonly Segment[], value: unknown, line: number): void;
  /** A walked container ends. */
  close?(path: readonly Segment[]): void;
}

interface Frame {
  kind: 'object' | 'array';
  key: string | null;
  index: number;
  decision: Decision;
  /** For built containers: the value being built. */
  value?: Record<string, unknown> | unknown[];
  /** For the root of a built subtree: its kept top-level keys, its start line and its budget. */
  keep?: ReadonlySet<string> | null;
  line: number;
  budget?: { values: number };
}

/**
 * Walks a JSON document from stream-json's tokens, building only the subtrees the visitor asks
 * for (strings cut at `textCap` characters, at most MAX_BUILT_VALUES values each) and skipping
 * the rest unassembled. Text is fed to the tokenizer a line at a time so that syntax errors and
 * built values carry their line. Refuses malformed JSON with the line and the parser's reason.
 */
export class JsonWalker {
  private readonly parse = jsonParser({ packValues: false, streamValues: true });
  private readonly stack: Frame[] = [];
  private line = 1;
  private mode: 'key' | 'keep' | 'drop' = 'drop';
  private buf = '';
  private scalarIsNumber = false;
  private scalarLine = 1;
  private started = false;

  constructor(
    private readonly visitor: JsonVisitor,
    private readonly textCap: number,
  ) {}

  /** Feeds text; the visitor is called synchronously for what it completes. */
  write(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.feed(text.slice(from, nl + 1));
      this.line++;
      from = nl + 1;
    }
    if (from < text.length) this.feed(text.slice(from));
  }

  end(): void {
    if (!this.started) throw new ScanFormatError('scans.empty', 1);
    this.feed(END);
  }

  private feed(text: string): void {
    let out: unknown;
    try {
      out = this.parse(text);
    } catch (error) {
      const detail = String((error as Error).message ?? error).replace(/^Parser /, '');
      throw new ScanFormatError('scans.json_syntax', this.line, { detail });
    }
    if (typeof out !== 'object' || out === null) return;
    const values = (out as { values?: Token[] }).values;
    if (Array.isArray(values)) for (const token of values) this.token(token);
    else if ('name' in out) this.token(out as Token);
  }

  private path(): Segment[] {
    return this.stack.map((f) => (f.kind === 'array' ? f.index : (f.key ?? '')));
  }

  private token(token: Token): void {
    switch (token.name) {
      case 'startKey':
        this.mode = 'key';
        this.buf = '';
        return;
      case 'endKey': {
        const top = this.stack[this.stack.length - 1];
        if (top) top.key = this.buf;
        this.mode = 'drop';
        return;
      }
      case 'stringChunk':
      case 'numberChunk': {
        if (this.mode === 'drop') return;
        const cap = this.mode === 'key' ? MAX_KEY : this.textCap;
        if (this.buf.length < cap) this.buf += token.value.slice(0, cap - this.buf.length);
        return;
      }
      case 'startString':
      case 'startNumber':
        this.mode = this.begin('scalar') === 'build' ? 'keep' : 'drop';
        this.buf = '';
        this.scalarIsNumber = token.name === 'startNumber';
        return;
      case 'endString':
      case 'endNumber':
        if (this.mode === 'keep')
          this.deliver(this.scalarIsNumber ? Number(this.buf) : this.buf, this.scalarLine);
        this.mode = 'drop';
        return;
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        if (this.begin('scalar') === 'build') this.deliver(token.value, this.line);
        return;
      case 'startObject':
      case 'startArray':
        this.open(token.name === 'startObject' ? 'object' : 'array');
        return;
      case 'endObject':
      case 'endArray':
        this.close();
        return;
      default:
        return;
    }
  }

  /** A value starts in the innermost frame: counts it and decides what becomes of it. */
  private begin(kind: 'object' | 'array' | 'scalar'): Decision {
    this.started = true;
    this.scalarLine = this.line;
    const top = this.stack[this.stack.length - 1];
    if (!top) return this.visitor.decide([], kind, this.line);
    if (top.kind === 'array') top.index++;
    if (top.decision === 'skip') return 'skip';
    if (top.decision === 'build') {
      if (top.kind === 'array' && top.index >= MAX_BUILT_ARRAY) return 'skip';
      if (top.keep && top.kind === 'object' && !top.keep.has(top.key ?? '')) return 'skip';
      const budget = this.budget();
      if (budget) {
        budget.values++;
        if (budget.values > MAX_BUILT_VALUES) {
          throw new ScanFormatError('scans.item_too_large', this.buildRoot()?.line ?? this.line, {
            limit: MAX_BUILT_VALUES,
          });
        }
      }
      return 'build';
    }
    return this.visitor.decide(this.path(), kind, this.line);
  }

  private buildRoot(): Frame | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i];
      if (f?.budget) return f;
    }
    return undefined;
  }

  private budget(): { values: number } | undefined {
    return this.buildRoot()?.budget;
  }

  private open(kind: 'object' | 'array'): void {
    if (this.stack.length >= MAX_DEPTH)
      throw new ScanFormatError('scans.too_deep', this.line, { limit: MAX_DEPTH });
    const top = this.stack[this.stack.length - 1];
    const decision = this.begin(kind);
    const frame: Frame = { kind, key: null, index: -1, decision, line: this.line };
    if (decision === 'build') {
      frame.value = kind === 'object' ? {} : [];
      if (top?.decision !== 'build') {
        frame.keep = this.visitor.keep(this.path());
        frame.budget = { values: 1 };
      }
    }
    this.stack.push(frame);
  }

  private close(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    if (frame.decision === 'build') this.deliver(frame.value, frame.line);
    else if (frame.decision === 'walk') {
      this.stack.push(frame);
      const path = this.path();
      this.stack.pop();
      this.visitor.close?.(path);
    }
  }

  /** A built scalar or container is complete: into its parent, or to the visitor. */
  private deliver(value: unknown, line: number): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.decision === 'build' && top.value !== undefined) {
      if (Array.isArray(top.value)) top.value.push(value);
      else if (top.key !== null && top.key !== '__proto__') top.value[top.key] = value;
      return;
    }
    this.visitor.value(this.path(), value, line);
  }
}
