import { jsonParser, type Token, type TokenSource } from 'stream-json/core/parser.js';
import { buildComponent, type ComponentNode, KEPT_FIELDS, type RawComponent, TOO_LONG } from './component.js';
import type { Emitter } from './emitter.js';
import { type Limits, SbomError, type SbomLocation } from './types.js';

/**
 * stream-json's end-of-input marker. stream-chain defines it with Symbol.for so that libraries can
 * share it without importing each other; using it here avoids depending on stream-chain directly.
 */
const END = Symbol.for('object-stream.none') as unknown as Parameters<TokenSource>[0];

const HEADER_KEYS = new Set(['bomFormat', 'specVersion', 'serialNumber', 'version']);
const MAX_KEY = 1024;

interface Budget {
  entries: number;
}

interface ComponentFrame {
  t: 'component';
  path: string;
  key: string | null;
  raw: RawComponent;
  children: ComponentNode[];
  depth: number;
  subject: boolean;
  budget: Budget;
}

type Frame =
  | { t: 'root'; path: string; key: string | null }
  | { t: 'metadata'; path: string; key: string | null }
  | { t: 'components'; path: string; index: number; owner: ComponentFrame | null; depth: number }
  | { t: 'dependencies'; path: string; index: number }
  | ComponentFrame
  | {
      t: 'capture';
      path: string;
      key: string | null;
      index: number;
      value: Record<string, unknown> | unknown[];
      budget: Budget;
    };

function loc(path: string): SbomLocation {
  return { path: path || '$', line: null, column: null };
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

/**
 * Reads CycloneDX JSON from stream-json's tokens, keeping only what it yields: the header,
 * the kept fields of each component (one top-level component, with its nested ones, at a time),
 * and one dependency at a time. Everything else is skipped without being assembled.
 */
export class JsonReader {
  private readonly parse = jsonParser({ packValues: false, streamValues: true });
  private readonly stack: Frame[] = [];
  /** Open containers inside a skipped value. */
  private skipping = 0;
  /** What the current string/number token is for. */
  private mode: 'key' | 'keep' | 'drop' = 'drop';
  private buf = '';
  private long = false;
  private hasBomFormat = false;

  constructor(
    private readonly emitter: Emitter,
    private readonly limits: Limits,
  ) {}

  write(text: string): void {
    let out: unknown;
    try {
      out = this.parse(text);
    } catch (error) {
      throw this.syntax(error);
    }
    this.tokens(out);
  }

  end(): void {
    let out: unknown;
    try {
      out = this.parse(END);
    } catch (error) {
      throw this.syntax(error);
    }
    this.tokens(out);
    const root = loc('');
    if (!this.hasBomFormat)
      throw new SbomError('sbom.not_cyclonedx', { detail: 'bomFormat is missing' }, root);
    if (this.emitter.header.specVersion === null) throw new SbomError('sbom.spec_version_missing', {}, root);
    this.emitter.finish();
  }

  private syntax(error: unknown): SbomError {
    const detail = String((error as Error).message ?? error).replace(/^Parser /, '');
    return new SbomError('sbom.json_syntax', { detail }, loc(this.path()));
  }

  /** The path of the innermost open value, for errors. */
  private path(): string {
    const top = this.stack[this.stack.length - 1];
    if (!top) return '';
    if ('index' in top && top.index >= 0) return `${top.path}[${top.index}]`;
    if ('key' in top && top.key !== null) return top.path ? `${top.path}.${top.key}` : top.key;
    return top.path;
  }

  private tokens(out: unknown): void {
    if (typeof out !== 'object' || out === null) return;
    const values = (out as { values?: Token[] }).values;
    if (!Array.isArray(values)) return;
    for (const token of values) this.token(token);
  }

  private token(token: Token): void {
    switch (token.name) {
      case 'startKey':
        this.mode = this.skipping === 0 ? 'key' : 'drop';
        this.buf = '';
        this.long = false;
        return;
      case 'endKey': {
        const top = this.stack[this.stack.length - 1];
        if (this.mode === 'key' && top && 'key' in top) top.key = this.long ? null : this.buf;
        this.mode = 'drop';
        return;
      }
      case 'stringChunk':
      case 'numberChunk':
        if (this.mode === 'drop' || this.long) return;
        if (
          this.buf.length + token.value.length >
          (this.mode === 'key' ? MAX_KEY : this.limits.maxStringLength)
        ) {
          this.long = true;
          this.buf = '';
          return;
        }
        this.buf += token.value;
        return;
      case 'startString':
      case 'startNumber':
        this.mode = this.skipping === 0 && this.keeps() ? 'keep' : 'drop';
        this.buf = '';
        this.long = false;
        return;
      case 'endString':
        if (this.mode === 'keep') this.deliver(this.long ? TOO_LONG : this.buf);
        this.mode = 'drop';
        return;
      case 'endNumber':
        if (this.mode === 'keep') this.deliver(this.long ? TOO_LONG : Number(this.buf));
        this.mode = 'drop';
        return;
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        if (this.skipping === 0 && this.keeps()) this.deliver(token.value);
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

  /**
   * Whether the scalar that starts now is kept. Also counts it in its array, so that paths name
   * the right index.
   */
  private keeps(): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top) return false;
    switch (top.t) {
      case 'root':
        return top.key !== null && HEADER_KEYS.has(top.key);
      case 'metadata':
        return top.key === 'timestamp';
      case 'component':
        return top.key !== null && KEPT_FIELDS.has(top.key);
      case 'capture':
        if (Array.isArray(top.value)) top.index++;
        return true;
      case 'components':
        top.index++;
        throw new SbomError('sbom.structure', { detail: 'a component must be an object' }, loc(this.path()));
      case 'dependencies':
        top.index++;
        throw new SbomError('sbom.structure', { detail: 'a dependency must be an object' }, loc(this.path()));
    }
  }

  private open(kind: 'object' | 'array'): void {
    if (this.stack.length + this.skipping >= this.limits.maxDepth) {
      throw new SbomError('sbom.too_deep', { limit: this.limits.maxDepth }, loc(this.path()));
    }
    if (this.skipping > 0) {
      this.skipping++;
      return;
    }
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (kind !== 'object') {
        throw new SbomError('sbom.not_cyclonedx', { detail: 'the document is not a JSON object' }, loc(''));
      }
      this.stack.push({ t: 'root', path: '', key: null });
      return;
    }
    const frame = this.child(top, kind);
    if (frame === null) this.skipping = 1;
    else this.stack.push(frame);
  }

  /** The frame for a container that opens in `top`, or null to skip it. */
  private child(top: Frame, kind: 'object' | 'array'): Frame | null {
    const here = (key: string | null) => (top.path ? `${top.path}.${key}` : (key ?? ''));
    switch (top.t) {
      case 'root':
        if (top.key === 'metadata' && kind === 'object')
          return { t: 'metadata', path: 'metadata', key: null };
        if (top.key === 'components' && kind === 'array') {
          return { t: 'components', path: 'components', index: -1, owner: null, depth: 0 };
        }
        if (top.key === 'dependencies' && kind === 'array') {
          return { t: 'dependencies', path: 'dependencies', index: -1 };
        }
        return null;
      case 'metadata':
        if (top.key === 'component' && kind === 'object')
          return this.component('metadata.component', 0, true);
        return null;
      case 'component': {
        if (top.key === 'components' && kind === 'array') {
          const depth = top.subject ? 0 : top.depth + 1;
          return { t: 'components', path: here(top.key), index: -1, owner: top, depth };
        }
        if (top.key === null || !KEPT_FIELDS.has(top.key)) return null;
        return this.capture(here(top.key), kind, top.budget);
      }
      case 'components': {
        top.index++;
        const path = `${top.path}[${top.index}]`;
        if (kind !== 'object') {
          throw new SbomError('sbom.structure', { detail: 'a component must be an object' }, loc(path));
        }
        return this.component(path, top.depth, false);
      }
      case 'dependencies': {
        top.index++;
        const path = `${top.path}[${top.index}]`;
        if (kind !== 'object') {
          throw new SbomError('sbom.structure', { detail: 'a dependency must be an object' }, loc(path));
        }
        return this.capture(path, kind, { entries: 0 });
      }
      case 'capture': {
        let path: string;
        if (Array.isArray(top.value)) {
          top.index++;
          path = `${top.path}[${top.index}]`;
        } else {
          path = `${top.path}.${top.key}`;
        }
        return this.capture(path, kind, top.budget);
      }
    }
  }

  private component(path: string, depth: number, subject: boolean): ComponentFrame {
    return { t: 'component', path, key: null, raw: {}, children: [], depth, subject, budget: { entries: 0 } };
  }

  private capture(path: string, kind: 'object' | 'array', budget: Budget): Frame {
    return { t: 'capture', path, key: null, index: -1, value: kind === 'object' ? {} : [], budget };
  }

  private close(): void {
    if (this.skipping > 0) {
      this.skipping--;
      return;
    }
    const frame = this.stack.pop();
    if (!frame) return;
    switch (frame.t) {
      case 'capture':
        this.deliver(frame.value);
        return;
      case 'component':
        this.finishComponent(frame);
        return;
      default:
        return;
    }
  }

  private finishComponent(frame: ComponentFrame): void {
    const at = (field?: string) => loc(field ? `${frame.path}.${field}` : frame.path);
    const component = buildComponent(frame.raw, {
      at,
      depth: frame.depth,
      maxStringLength: this.limits.maxStringLength,
    });
    const node: ComponentNode = { component, children: frame.children };
    if (frame.subject) {
      this.emitter.subject(node);
      return;
    }
    this.emitter.countBuilt(component.location);
    const list = this.stack[this.stack.length - 1];
    const owner = list?.t === 'components' ? list.owner : null;
    // A top-level component is complete once it ends; a nested one waits for its parent.
    if (owner === null) this.emitter.tree(node);
    else owner.children.push(node);
  }

  /** A finished kept value: a scalar, or a captured object or array. */
  private deliver(value: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    switch (top.t) {
      case 'root':
        this.header(top.key ?? '', value);
        return;
      case 'metadata':
        if (top.key === 'timestamp' && typeof value === 'string') this.emitter.header.timestamp = value;
        return;
      case 'component':
        if (top.key !== null) {
          this.spend(top.budget, `${top.path}.${top.key}`);
          top.raw[top.key] = value;
        }
        return;
      case 'capture': {
        if (Array.isArray(top.value)) {
          this.spend(top.budget, `${top.path}[${top.index}]`);
          top.value.push(value);
        } else if (top.key !== null) {
          this.spend(top.budget, `${top.path}.${top.key}`);
          top.value[top.key] = value;
        }
        return;
      }
      case 'dependencies':
        this.dependency(value as Record<string, unknown>, `${top.path}[${top.index}]`);
        return;
      default:
        return;
    }
  }

  /** Counts one more kept entry of a component or dependency against the limit. */
  private spend(budget: Budget, path: string): void {
    budget.entries++;
    if (budget.entries > this.limits.maxValueEntries) {
      throw new SbomError('sbom.value_too_large', { limit: this.limits.maxValueEntries }, loc(path));
    }
  }

  private header(key: string, value: unknown): void {
    const header = this.emitter.header;
    const at = loc(key);
    switch (key) {
      case 'bomFormat':
        if (value !== 'CycloneDX') {
          const shown = value === TOO_LONG ? '…' : String(value);
          throw new SbomError('sbom.not_cyclonedx', { detail: `bomFormat is "${shown}"` }, at);
        }
        this.hasBomFormat = true;
        break;
      case 'specVersion':
        this.emitter.specVersion(value === TOO_LONG ? '…' : String(value), at);
        break;
      case 'serialNumber':
        if (typeof value === 'string') header.serialNumber = value;
        break;
      case 'version':
        if (typeof value === 'number' && Number.isFinite(value)) header.bomVersion = value;
        break;
    }
    if (!this.emitter.isReady && this.hasBomFormat && header.specVersion !== null) this.emitter.setReady();
  }

  private dependency(value: Record<string, unknown>, path: string): void {
    const ref = typeof value.ref === 'string' ? value.ref.trim() : '';
    if (ref === '') {
      throw new SbomError('sbom.structure', { detail: 'a dependency without "ref"' }, loc(`${path}.ref`));
    }
    this.emitter.dependency({
      ref,
      dependsOn: strings(value.dependsOn),
      provides: strings(value.provides),
      location: loc(path),
    });
  }
}
