import { SaxesParser, type SaxesTagNS } from 'saxes';
import { utf8Text } from './text.js';
import { ScanFormatError, type ScanItem, type ScanLimits } from './types.js';

/** The prolog (before the root element) is searched for a DOCTYPE up to this many characters. */
const MAX_PROLOG = 1024 * 1024;
/** Most elements one captured subtree (one item, one host's properties) may hold. */
export const MAX_NODES = 20_000;
/** Deepest element nesting accepted. */
const MAX_DEPTH = 256;
/**
 * The longest run of characters without `<` or `>`: a tag with its attributes, a text or a comment,
 * which saxes would hold whole until it ends (a 200 MiB attribute took 500 MB of memory). A scan
 * report's longest values are plugin outputs of some kilobytes.
 */
export const MAX_TOKEN = 8 * 1024 * 1024;

/**
 * Tracks the characters since the last `<` or `>` across the pieces of text; throws once a run
 * passes MAX_TOKEN. Only a piece's first and last delimiter are looked for (native searches): a
 * run inside one piece is shorter than the limit, as utf8Text's pieces are at most 32 Ki
 * characters.
 */
function tokenGuard(line: () => number, limit = MAX_TOKEN) {
  let run = 0;
  const refuse = () => {
    throw new ScanFormatError('scans.token_too_long', line(), { limit });
  };
  const first = (text: string, from: number) => {
    const a = text.indexOf('<', from);
    const b = text.indexOf('>', from);
    return a === -1 ? b : b === -1 ? a : Math.min(a, b);
  };
  return (text: string) => {
    let at = first(text, 0);
    if (at === -1) {
      run += text.length;
      if (run > limit) refuse();
      return;
    }
    if (run + at > limit) refuse();
    at = Math.max(text.lastIndexOf('<'), text.lastIndexOf('>'));
    run = text.length - at - 1;
  };
}

/** An element of a captured subtree, with its own text (its children's text is theirs). */
export interface XNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XNode[];
  line: number;
}

/** The first child of `node` named `name`. */
export function child(node: XNode | undefined, name: string): XNode | undefined {
  return node?.children.find((c) => c.name === name);
}

/** The children of `node` named `name`. */
export function children(node: XNode | undefined, name: string): XNode[] {
  return node?.children.filter((c) => c.name === name) ?? [];
}

/** The trimmed text of the first child named `name`, or null when absent or empty. */
export function childText(node: XNode | undefined, name: string): string | null {
  const text = child(node, name)?.text.trim();
  return text ? text : null;
}

/** What a format tells the XML reader. `path` holds the element names from the root, inclusive. */
export interface XmlFormat {
  /** Checks the root element, throwing ScanFormatError when the document is not the format. */
  root(name: string, line: number): void;
  /** Whether the element at `path` is captured whole (its subtree is handed to `done`). */
  capture(path: readonly string[]): boolean;
  /** An element outside any capture opens (for context such as a host's name). */
  open?(path: readonly string[], attrs: Record<string, string>, line: number): void;
  /** An element outside any capture closes. */
  close?(path: readonly string[]): void;
  /** A captured subtree ends: the item it makes, or null. */
  done(node: XNode, path: readonly string[]): ScanItem | null;
}

/** saxes' handler slots (private members of SaxesParser, set by `on`). */
interface HandlerSlots {
  xmldeclHandler: unknown;
  textHandler: unknown;
  piHandler: unknown;
  doctypeHandler: unknown;
  commentHandler: unknown;
  openTagStartHandler: unknown;
  openTagHandler: unknown;
  closeTagHandler: unknown;
  cdataHandler: unknown;
  errorHandler: unknown;
  endHandler: unknown;
  readyHandler: unknown;
  attributeHandler: unknown;
}

/**
 * A saxes parser whose handler slots exist before `on` fills them. `on` stores a handler under a
 * computed name; V8 gives an object that grows by many such keyed stores slow (dictionary)
 * properties, and the parser reads its own state (`chunk`, `i`, `line`, …) once per character: with
 * eight handlers the parser ran five times slower (7 s instead of 1.5 s of CPU for 100 MB).
 * Declared here with plain assignments, the slots are ordinary fields and `on` only overwrites them.
 */
function fastParser(): SaxesParser<{ xmlns: true; position: true }> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const slots = parser as unknown as HandlerSlots;
  slots.xmldeclHandler = undefined;
  slots.textHandler = undefined;
  slots.piHandler = undefined;
  slots.doctypeHandler = undefined;
  slots.commentHandler = undefined;
  slots.openTagStartHandler = undefined;
  slots.openTagHandler = undefined;
  slots.closeTagHandler = undefined;
  slots.cdataHandler = undefined;
  slots.errorHandler = undefined;
  slots.endHandler = undefined;
  slots.readyHandler = undefined;
  slots.attributeHandler = undefined;
  return parser;
}

function attrs(tag: SaxesTagNS): Record<string, string> {
  const out: Record<string, string> = {};
  const given = tag.attributes;
  for (const name in given) out[name] = (given[name] as { value: string }).value;
  return out;
}

/**
 * Reads an XML scan report with saxes, which never expands entities: a DOCTYPE (and so any
 * ENTITY declaration) is refused (`scans.doctype`), an entity reference other than the five
 * predefined ones refuses the document (`scans.xml_entity`), malformed XML is refused with the line
 * and the parser's reason (`scans.xml_syntax`). Only the captured subtree of one item is held at a
 * time (at most MAX_NODES elements, each text at most 4 × limits.maxText characters), and no value
 * longer than MAX_TOKEN characters is read (`scans.token_too_long`).
 */
export async function* readXml(
  bytes: AsyncIterable<Buffer>,
  format: XmlFormat,
  limits: ScanLimits,
): AsyncGenerator<ScanItem> {
  const parser = fastParser();
  const textCap = Math.max(limits.maxText * 4, 1024);
  const path: string[] = [];
  const out: ScanItem[] = [];
  /** The open elements of the current capture, outermost first. */
  const captured: XNode[] = [];
  let capturedNodes = 0;
  let captureDepth = 0;
  let rootSeen = false;
  let prolog = '';
  let started = false;
  let count = 0;
  let tagLine = 1;

  const here = () => parser.line;
  parser.on('xmldecl', (decl) => {
    if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) {
      throw new ScanFormatError('scans.encoding_declared', here(), { encoding: decl.encoding });
    }
  });
  parser.on('doctype', () => {
    throw new ScanFormatError('scans.doctype', here());
  });
  parser.on('error', (error) => {
    const detail = error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    if (/undefined entity|entity/i.test(detail)) {
      throw new ScanFormatError('scans.xml_entity', here(), { detail });
    }
    throw new ScanFormatError('scans.xml_syntax', here(), { detail });
  });
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag) => {
    if (path.length >= MAX_DEPTH) throw new ScanFormatError('scans.too_deep', tagLine, { limit: MAX_DEPTH });
    path.push(tag.local);
    if (!rootSeen) {
      rootSeen = true;
      prolog = '';
      format.root(tag.local, tagLine);
    }
    if (captured.length > 0) {
      capturedNodes++;
      if (capturedNodes > MAX_NODES) {
        throw new ScanFormatError('scans.item_too_large', captured[0]?.line ?? tagLine, { limit: MAX_NODES });
      }
      const node: XNode = { name: tag.local, attrs: attrs(tag), text: '', children: [], line: tagLine };
      captured[captured.length - 1]?.children.push(node);
      captured.push(node);
      return;
    }
    if (format.capture(path)) {
      captured.push({ name: tag.local, attrs: attrs(tag), text: '', children: [], line: tagLine });
      capturedNodes = 1;
      captureDepth = path.length;
      return;
    }
    format.open?.(path, attrs(tag), tagLine);
  });
  parser.on('closetag', () => {
    if (captured.length > 0) {
      const node = captured.pop() as XNode;
      if (captured.length === 0 && path.length === captureDepth) {
        const item = format.done(node, path);
        if (item !== null) {
          count++;
          if (count > limits.maxItems) {
            throw new ScanFormatError('scans.too_many_items', item.line, { limit: limits.maxItems });
          }
          out.push(item);
        }
      }
    } else {
      format.close?.(path);
    }
    path.pop();
  });
  const collect = (text: string) => {
    const node = captured[captured.length - 1];
    if (!node || node.text.length >= textCap) return;
    node.text += text.length + node.text.length > textCap ? text.slice(0, textCap - node.text.length) : text;
  };
  parser.on('text', collect);
  parser.on('cdata', collect);

  /** Finds `<!DOCTYPE` / `<!ENTITY` before saxes has read it all, to refuse it early. */
  const scanProlog = (text: string) => {
    const before = prolog.length;
    prolog += text;
    const found = prolog.slice(Math.max(0, before - 9)).search(/<!(DOCTYPE|ENTITY)/);
    if (found === -1) return;
    const at = Math.max(0, before - 9) + found;
    throw new ScanFormatError('scans.doctype', prolog.slice(0, at).split('\n').length);
  };

  const guard = tokenGuard(here);
  for await (const text of utf8Text(bytes)) {
    guard(text);
    if (!started) {
      const first = /\S/.exec(text);
      if (!first) continue;
      if (first[0] !== '<') {
        throw new ScanFormatError('scans.not_xml', text.slice(0, first.index).split('\n').length);
      }
      started = true;
    }
    if (!rootSeen && prolog.length < MAX_PROLOG) scanProlog(text);
    parser.write(text);
    yield* out.splice(0);
  }
  if (!started) throw new ScanFormatError('scans.empty', 1);
  parser.close();
  if (!rootSeen) throw new ScanFormatError('scans.not_xml', here());
  yield* out.splice(0);
}
