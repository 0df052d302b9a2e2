/**
 * The CycloneDX reader: a streaming reader of CycloneDX SBOMs (JSON and XML, versions 1.2–1.6).
 * See docs/sbom.md for what is read, how it maps onto inventory components and what is refused.
 */
import { performance } from 'node:perf_hooks';
import { decode } from './decode.js';
import { Emitter } from './emitter.js';
import { JsonReader } from './json.js';
import { limitsOf, type ReadCycloneDxOptions, SbomError, type SbomEvent } from './types.js';
import { XmlReader } from './xml.js';

export { isCpe, VENDOR_PRECEDENCE } from './component.js';
export { type InventoryComponentFields, toInventoryComponent } from './inventory.js';
export {
  describeLocation,
  type ReadCycloneDxOptions,
  type SbomComponent,
  type SbomDependency,
  SbomError,
  type SbomEvent,
  type SbomHash,
  type SbomHeader,
  type SbomIssue,
  type SbomLicense,
  type SbomLocation,
  type SpecVersion,
  SUPPORTED_SPEC_VERSIONS,
  type VendorSource,
} from './types.js';

/**
 * Reads a CycloneDX SBOM from a stream of bytes (a Readable, or any async iterable of chunks),
 * never holding the whole document. Yields, in order:
 *
 * - `bom` once, before anything else: format, spec version, serial number, BOM version,
 *   timestamp and the subject (metadata.component);
 * - `component` for every component of `components`, nested ones flattened (parent first, each
 *   with `parentRef`), and for those nested in the subject; components inside pedigree, tools or
 *   other parts of the BOM are not components of it and are skipped;
 * - `dependency` for every entry of `dependencies` (ref → dependsOn), in document order (after the
 *   components in every BOM the usual tools write);
 * - `end` last, with the complete header and the counts.
 *
 * A problem of one component (an invalid purl or CPE, no name, a value too long) is an issue on
 * that component and reading goes on, so that every such problem can be listed; a problem of the
 * file throws SbomError (with a message key, parameters and a location) and ends the iteration.
 */
export async function* readCycloneDx(
  input: AsyncIterable<Uint8Array | string>,
  opts: ReadCycloneDxOptions = {},
): AsyncGenerator<SbomEvent> {
  const limits = limitsOf(opts);
  let spent = 0;
  /** Runs the reader's own work, counting its time against the limit. */
  const timed = (work: () => void): void => {
    const started = performance.now();
    work();
    spent += performance.now() - started;
    if (spent > limits.maxMillis) {
      throw new SbomError(
        'sbom.too_slow',
        { limit: limits.maxMillis },
        { path: '', line: null, column: null },
      );
    }
  };

  const decoded = await decode(input, limits);
  const emitter = new Emitter(decoded.format, limits);
  const reader = decoded.format === 'json' ? new JsonReader(emitter, limits) : new XmlReader(emitter, limits);
  try {
    for await (const text of decoded.text) {
      timed(() => reader.write(text));
      if (emitter.out.length > 0) yield* emitter.out.splice(0);
    }
    timed(() => reader.end());
    yield* emitter.out.splice(0);
  } finally {
    await decoded.close();
  }
}

/** The events of a whole (small) SBOM at once: for tests and tools, not for imports. */
export async function readCycloneDxAll(
  input: AsyncIterable<Uint8Array | string>,
  opts: ReadCycloneDxOptions = {},
): Promise<SbomEvent[]> {
  const events: SbomEvent[] = [];
  for await (const event of readCycloneDx(input, opts)) events.push(event);
  return events;
}
