import type { SbomComponent } from './types.js';

/** The columns of an inventory component (issue 4) that an SBOM component fills. */
export interface InventoryComponentFields {
  /** A reference unique within the SBOM: bom-ref, else purl, else group/name@version. The
   * importer makes the register's key from it (with the system's key: keys are unique per
   * organisation, and the same package appears in many systems' SBOMs). */
  ref: string;
  vendor: string | null;
  product: string;
  version: string | null;
  /** SBOMs carry no model numbers; hardware ones may, in properties, which are not read. */
  model_number: null;
  cpe: string | null;
  purl: string | null;
}

/**
 * Maps a component onto the inventory's columns: vendor by VENDOR_PRECEDENCE, product = the
 * component's name as it stands (not prefixed with its group: the name is what CPE dictionaries
 * and advisories call the product, the group becomes the vendor only when nothing better names
 * one, and the purl keeps the full package identity), version, cpe and the validated purl.
 */
export function toInventoryComponent(component: SbomComponent): InventoryComponentFields {
  const named = component.group ? `${component.group}/${component.name}` : component.name;
  const ref =
    component.bomRef ?? component.purl ?? (component.version ? `${named}@${component.version}` : named);
  return {
    ref,
    vendor: component.vendor,
    product: component.name,
    version: component.version,
    model_number: null,
    cpe: component.cpe,
    purl: component.purl,
  };
}
