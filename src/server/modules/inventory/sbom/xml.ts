import { SaxesParser, type SaxesTagNS } from 'saxes';
import { buildComponent, type ComponentNode, type RawComponent, TOO_LONG } from './component.js';
import type { Emitter } from './emitter.js';
import { type Limits, SbomError, type SbomLocation } from './types.js';

const NAMESPACE = /^http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)$/;
/** Component fields that are one element of text. */
const TEXT_FIELDS = new Set(['name', 'version', 'group', 'publisher', 'author', 'cpe', 'purl']);
/** The prolog (before the root element) is searched for a DOCTYPE up to this many characters. */
const MAX_PROLOG = 1024 * 1024;

type Text = string | typeof TOO_LONG;

interface ComponentFrame {
  t: 'component';
  path: string;
  raw: RawComponent;
  at: SbomLocation;
  fields: Map<string, SbomLocation>;
  children: ComponentNode[];
  depth: number;
  subject: boolean;
}

type Frame =
  | { t: 'root' }
  | { t: 'metadata' }
  | { t: 'components'; path: string; index: number; owner: ComponentFrame | null; depth: number }
  | ComponentFrame
  /** An element whose text is wanted: `take` receives it when the element ends. */
  | { t: 'text'; take: (value: Text) => void }
  /** supplier / manufacturer (organizationalEntity) or one author (organizationalContact). */
  | { t: 'entity'; entity: Record<string, unknown> }
  | { t: 'list'; of: 'authors' | 'hashes' | 'licenses'; component: ComponentFrame }
  | { t: 'license'; license: Record<string, unknown> }
  | { t: 'dependencies'; path: string; index: number }
  | { t: 'dependency'; ref: string; dependsOn: string[]; provides: string[]; at: SbomLocation };

function attr(tag: SaxesTagNS, name: string): string | null {
  const value = tag.attributes[name]?.value;
  return value === undefined || value.trim() === '' ? null : value.trim();
}

/**
 * Reads CycloneDX XML with saxes (which never expands entities), refusing a DOCTYPE, and keeping
 * only what it yields: the header, the kept fields of each component (one top-level component,
 * with its nested ones, at a time) and one dependency at a time.
 */
export class XmlReader {
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  private readonly stack: Frame[] = [];
  private skipping = 0;
  private bomNs: string | null = null;
  private prolog = '';
  private text = '';
  private long = false;
  private tagLine = 1;
  private tagColumn = 1;

  constructor(
    private readonly emitter: Emitter,
    private readonly limits: Limits,
  ) {
    const p = this.parser;
    p.on('xmldecl', (decl) => {
      if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) {
        throw new SbomError('sbom.encoding_declared', { encoding: decl.encoding }, this.here());
      }
    });
    p.on('doctype', () => {
      throw new SbomError('sbom.xml_doctype', {}, this.here());
    });
    p.on('error', (error) => {
      const detail = error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
      throw new SbomError('sbom.xml_syntax', { detail }, this.here());
    });
    p.on('opentagstart', (tag) => {
      this.tagLine = p.line;
      // saxes has read `<`, the name and one character more (space, `>` or `/`).
      this.tagColumn = Math.max(1, p.column - tag.name.length - 1);
    });
    p.on('opentag', (tag) => this.open(tag));
    p.on('closetag', () => this.close());
    p.on('text', (text) => this.collect(text));
    p.on('cdata', (text) => this.collect(text));
  }

  write(text: string): void {
    if (this.bomNs === null && this.prolog.length < MAX_PROLOG) this.scanProlog(text);
    this.parser.write(text);
  }

  end(): void {
    this.parser.close();
    if (this.bomNs === null) {
      throw new SbomError('sbom.not_cyclonedx', { detail: 'there is no root element' }, this.here());
    }
    this.emitter.finish();
  }

  private here(): SbomLocation {
    return { path: '', line: this.parser.line, column: this.parser.column + 1 };
  }

  /** Finds `<!DOCTYPE` before saxes has read it all, to name where it starts. */
  private scanProlog(text: string): void {
    const before = this.prolog.length;
    this.prolog += text;
    const found = this.prolog.indexOf('<!DOCTYPE', Math.max(0, before - 8));
    if (found === -1) return;
    const head = this.prolog.slice(0, found);
    const line = head.split('\n').length;
    const column = found - head.lastIndexOf('\n');
    throw new SbomError('sbom.xml_doctype', {}, { path: '', line, column });
  }

  private tagAt(path = ''): SbomLocation {
    return { path, line: this.tagLine, column: this.tagColumn };
  }

  private collect(text: string): void {
    if (this.skipping > 0 || this.long) return;
    if (this.stack[this.stack.length - 1]?.t !== 'text') return;
    if (this.text.length + text.length > this.limits.maxStringLength) {
      this.long = true;
      this.text = '';
      return;
    }
    this.text += text;
  }

  private open(tag: SaxesTagNS): void {
    if (this.stack.length + this.skipping >= this.limits.maxDepth) {
      throw new SbomError('sbom.too_deep', { limit: this.limits.maxDepth }, this.tagAt());
    }
    if (this.skipping > 0) {
      this.skipping++;
      return;
    }
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.root(tag);
      return;
    }
    const frame = tag.uri === this.bomNs ? this.child(top, tag) : null;
    if (frame === null) {
      this.skipping = 1;
      return;
    }
    if (frame.t === 'text') {
      this.text = '';
      this.long = false;
    }
    this.stack.push(frame);
  }

  private root(tag: SaxesTagNS): void {
    this.prolog = '';
    const version = NAMESPACE.exec(tag.uri)?.[1];
    if (tag.local !== 'bom' || version === undefined) {
      const detail = `the root element is <${tag.local}> in the namespace "${tag.uri}", not <bom> in http://cyclonedx.org/schema/bom/1.x`;
      throw new SbomError('sbom.not_cyclonedx', { detail }, this.tagAt());
    }
    this.emitter.specVersion(version, this.tagAt());
    this.bomNs = tag.uri;
    const header = this.emitter.header;
    header.serialNumber = attr(tag, 'serialNumber');
    const bomVersion = Number(attr(tag, 'version') ?? Number.NaN);
    header.bomVersion = Number.isInteger(bomVersion) ? bomVersion : null;
    this.emitter.setReady();
    this.stack.push({ t: 'root' });
  }

  /** The frame for element `tag` inside `top`, or null to skip the element. */
  private child(top: Frame, tag: SaxesTagNS): Frame | null {
    const name = tag.local;
    switch (top.t) {
      case 'root':
        if (name === 'metadata') return { t: 'metadata' };
        if (name === 'components')
          return { t: 'components', path: 'components', index: -1, owner: null, depth: 0 };
        if (name === 'dependencies') return { t: 'dependencies', path: 'dependencies', index: -1 };
        return null;
      case 'metadata':
        if (name === 'timestamp') {
          return {
            t: 'text',
            take: (v) => {
              if (v !== TOO_LONG) this.emitter.header.timestamp = v.trim();
            },
          };
        }
        if (name === 'component') return this.component(tag, 'metadata.component', 0, true);
        return null;
      case 'components':
        if (name !== 'component') return null;
        top.index++;
        return this.component(tag, `${top.path}[${top.index}]`, top.depth, false);
      case 'component':
        return this.componentField(top, tag);
      case 'entity':
        if (name !== 'name') return null;
        return {
          t: 'text',
          take: (v) => {
            top.entity.name = v;
          },
        };
      case 'list':
        return this.listEntry(top, tag);
      case 'license':
        if (name !== 'id' && name !== 'name') return null;
        return {
          t: 'text',
          take: (v) => {
            top.license[name] = v;
          },
        };
      case 'dependencies': {
        if (name !== 'dependency') return null;
        top.index++;
        const at = this.tagAt(`${top.path}[${top.index}]`);
        const ref = attr(tag, 'ref');
        if (ref === null) {
          throw new SbomError('sbom.structure', { detail: 'a dependency without "ref"' }, at);
        }
        return { t: 'dependency', ref, dependsOn: [], provides: [], at };
      }
      case 'dependency': {
        const ref = attr(tag, 'ref');
        if (ref !== null && name === 'dependency') top.dependsOn.push(ref);
        else if (ref !== null && name === 'provides') top.provides.push(ref);
        return null; // its content, if any, is not read
      }
      case 'text':
        return null; // markup inside a text field (not CycloneDX): skipped
    }
  }

  private component(tag: SaxesTagNS, path: string, depth: number, subject: boolean): ComponentFrame {
    const raw: RawComponent = {};
    const type = attr(tag, 'type');
    const ref = attr(tag, 'bom-ref');
    if (type !== null) raw.type = type;
    if (ref !== null) raw['bom-ref'] = ref;
    const at = this.tagAt(path);
    return { t: 'component', path, raw, at, fields: new Map(), children: [], depth, subject };
  }

  private componentField(top: ComponentFrame, tag: SaxesTagNS): Frame | null {
    const name = tag.local;
    const field = (key: string) => top.fields.set(key, this.tagAt(`${top.path}.${key}`));
    if (TEXT_FIELDS.has(name)) {
      field(name);
      return {
        t: 'text',
        take: (v) => {
          top.raw[name] = v;
        },
      };
    }
    switch (name) {
      case 'supplier':
      case 'manufacturer': {
        field(name);
        const entity: Record<string, unknown> = {};
        top.raw[name] = entity;
        return { t: 'entity', entity };
      }
      case 'authors':
      case 'hashes':
      case 'licenses':
        field(name);
        top.raw[name] = [];
        return { t: 'list', of: name, component: top };
      case 'components': {
        const depth = top.subject ? 0 : top.depth + 1;
        return { t: 'components', path: `${top.path}.components`, index: -1, owner: top, depth };
      }
      default:
        return null;
    }
  }

  private listEntry(top: Extract<Frame, { t: 'list' }>, tag: SaxesTagNS): Frame | null {
    const list = top.component.raw[top.of] as unknown[];
    if (list.length >= this.limits.maxValueEntries) {
      const path = `${top.component.path}.${top.of}[${list.length}]`;
      throw new SbomError('sbom.value_too_large', { limit: this.limits.maxValueEntries }, this.tagAt(path));
    }
    const name = tag.local;
    if (top.of === 'authors' && name === 'author') {
      const entity: Record<string, unknown> = {};
      list.push(entity);
      return { t: 'entity', entity };
    }
    if (top.of === 'hashes' && name === 'hash') {
      const alg = attr(tag, 'alg') ?? '';
      return {
        t: 'text',
        take: (v) => {
          list.push({ alg, content: v });
        },
      };
    }
    if (top.of === 'licenses' && name === 'license') {
      const license: Record<string, unknown> = {};
      list.push({ license });
      return { t: 'license', license };
    }
    if (top.of === 'licenses' && name === 'expression') {
      return {
        t: 'text',
        take: (v) => {
          list.push({ expression: v });
        },
      };
    }
    return null;
  }

  private close(): void {
    if (this.skipping > 0) {
      this.skipping--;
      return;
    }
    const frame = this.stack.pop();
    if (!frame) return;
    if (frame.t === 'text') {
      frame.take(this.long ? TOO_LONG : this.text);
      this.text = '';
      this.long = false;
    } else if (frame.t === 'component') {
      this.finishComponent(frame);
    } else if (frame.t === 'dependency') {
      this.emitter.dependency({
        ref: frame.ref,
        dependsOn: frame.dependsOn,
        provides: frame.provides,
        location: frame.at,
      });
    }
  }

  private finishComponent(frame: ComponentFrame): void {
    const at = (field?: string): SbomLocation => {
      if (!field) return frame.at;
      return frame.fields.get(field) ?? { ...frame.at, path: `${frame.path}.${field}` };
    };
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
    if (owner === null) this.emitter.tree(node);
    else owner.children.push(node);
  }
}
