import { type ComponentNode, flatten } from './component.js';
import {
  type Limits,
  type SbomComponent,
  type SbomDependency,
  SbomError,
  type SbomEvent,
  type SbomHeader,
  type SbomLocation,
  type SpecVersion,
  SUPPORTED_SPEC_VERSIONS,
} from './types.js';

/** Components and dependencies read before bomFormat/specVersion are held, up to this many. */
const MAX_HELD = 1000;

/**
 * What both readers share: the header, the order of events (`bom` first, `end` last, nothing
 * before the header is known to be CycloneDX of a supported version), the counts and the limit on
 * components. Readers push; the caller drains `out` after each piece of input.
 */
export class Emitter {
  readonly out: SbomEvent[] = [];
  readonly header: Omit<SbomHeader, 'specVersion'> & { specVersion: SpecVersion | null };
  private ready = false;
  private bomSent = false;
  private held: SbomEvent[] = [];
  private built = 0;
  private components = 0;
  private dependencies = 0;
  private issues = 0;

  constructor(
    format: 'json' | 'xml',
    private readonly limits: Limits,
  ) {
    this.header = {
      format,
      specVersion: null,
      serialNumber: null,
      bomVersion: null,
      timestamp: null,
      subject: null,
    };
  }

  /** Checks a spec version (from `specVersion` or the XML namespace) and accepts it. */
  specVersion(value: string, location: SbomLocation): void {
    if (!(SUPPORTED_SPEC_VERSIONS as readonly string[]).includes(value)) {
      throw new SbomError('sbom.spec_version_unsupported', { version: value }, location);
    }
    this.header.specVersion = value as SpecVersion;
  }

  /** The header is known to be CycloneDX of a supported version: release what was held. */
  setReady(): void {
    this.ready = true;
    const held = this.held;
    this.held = [];
    for (const event of held) this.push(event);
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Called once per component as it is built (also nested ones, before they are yielded). */
  countBuilt(location: SbomLocation): void {
    this.built++;
    if (this.built > this.limits.maxComponents) {
      throw new SbomError('sbom.too_many_components', { limit: this.limits.maxComponents }, location);
    }
  }

  subject(node: ComponentNode): void {
    this.header.subject = node.component;
    this.issues += node.component.issues.length;
    for (const child of node.children) {
      child.component.parentRef = node.component.bomRef;
      this.tree(child);
    }
  }

  /** A finished top-level component and its nested ones, in document order. */
  tree(node: ComponentNode): void {
    for (const component of flatten(node)) this.component(component);
  }

  private component(component: SbomComponent): void {
    this.push({ kind: 'component', component });
  }

  dependency(dependency: SbomDependency): void {
    this.push({ kind: 'dependency', dependency });
  }

  private push(event: SbomEvent): void {
    if (!this.ready) {
      this.held.push(event);
      if (this.held.length > MAX_HELD) {
        const location =
          event.kind === 'component'
            ? event.component.location
            : event.kind === 'dependency'
              ? event.dependency.location
              : { path: '', line: null, column: null };
        throw new SbomError('sbom.header_late', { count: this.held.length }, location);
      }
      return;
    }
    if (!this.bomSent) {
      this.bomSent = true;
      this.out.push({ kind: 'bom', bom: this.snapshot() });
    }
    if (event.kind === 'component') {
      this.components++;
      this.issues += event.component.issues.length;
    } else if (event.kind === 'dependency') {
      this.dependencies++;
    }
    this.out.push(event);
  }

  private snapshot(): SbomHeader {
    return { ...this.header, specVersion: this.header.specVersion as SpecVersion };
  }

  /** The end of the document: the header must be complete by now. */
  finish(): void {
    if (!this.ready) throw new Error('finish before the header was accepted');
    if (!this.bomSent) {
      this.bomSent = true;
      this.out.push({ kind: 'bom', bom: this.snapshot() });
    }
    this.out.push({
      kind: 'end',
      bom: this.snapshot(),
      components: this.components,
      dependencies: this.dependencies,
      issues: this.issues,
    });
  }
}
