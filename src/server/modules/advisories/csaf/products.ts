import { type JsonObject, list, obj, pointer, text, texts } from './json.js';
import { type CsafIssue, CsafRefused } from './refusal.js';
import {
  BRANCH_CATEGORIES,
  type BranchCategory,
  type BranchStep,
  type CsafProduct,
  type CsafProductGroup,
  type ProductIdentification,
} from './types.js';

/** A product definition found in the tree, with where it stands (for duplicate reports). */
interface Found {
  product: CsafProduct;
  at: string;
}

const isBranchCategory = (v: unknown): v is BranchCategory =>
  typeof v === 'string' && (BRANCH_CATEGORIES as readonly string[]).includes(v);

export function identificationOf(helper: unknown): ProductIdentification {
  const h = obj(helper) ?? {};
  return {
    cpe: text(h.cpe),
    purl: text(h.purl),
    modelNumbers: texts(h.model_numbers),
    skus: texts(h.skus),
    serialNumbers: texts(h.serial_numbers),
    sbomUrls: texts(h.sbom_urls),
    hashes: list(h.hashes).map((x) => {
      const hash = obj(x) ?? {};
      return {
        filename: text(hash.filename) ?? '',
        fileHashes: list(hash.file_hashes).map((f) => ({
          algorithm: text(obj(f)?.algorithm) ?? '',
          value: text(obj(f)?.value) ?? '',
        })),
      };
    }),
    genericUris: list(h.x_generic_uris).map((u) => ({
      namespace: text(obj(u)?.namespace) ?? '',
      uri: text(obj(u)?.uri) ?? '',
    })),
  };
}

function productOf(
  full: JsonObject,
  origin: CsafProduct['origin'],
  path: BranchStep[],
  relationship: CsafProduct['relationship'],
): CsafProduct {
  const branch: Partial<Record<BranchCategory, string>> = {};
  for (const step of path) branch[step.category] = step.name;
  return {
    id: text(full.product_id) ?? '',
    name: text(full.name) ?? '',
    origin,
    path,
    branch,
    identification: identificationOf(full.product_identification_helper),
    relationship,
  };
}

/** The products of `branches` (recursively: the depth is bounded by the decoder), in document order. */
function walkBranches(branches: unknown, path: BranchStep[], at: string, out: Found[]): void {
  for (const [i, value] of list(branches).entries()) {
    const b = obj(value);
    if (!b) continue;
    const category = b.category;
    const here = isBranchCategory(category) ? [...path, { category, name: text(b.name) ?? '' }] : path;
    const product = obj(b.product);
    if (product) out.push({ product: productOf(product, 'branch', here, null), at: `${at}/${i}/product` });
    walkBranches(b.branches, here, `${at}/${i}/branches`, out);
  }
}

export interface ProductTree {
  /** One entry per product id: branches first, then full_product_names, then relationships. */
  products: CsafProduct[];
  groups: CsafProductGroup[];
}

/**
 * Flattens `product_tree` (validated) into one entry per product id with its branch path, name,
 * identification helper and, for products made by a relationship, the relationship. Refuses a tree
 * that defines a product id or a group id twice (CSAF 2.0 §6.1.2, §6.1.5): which definition counts
 * would be a guess.
 */
export function readProductTree(tree: unknown): ProductTree {
  const t = obj(tree) ?? {};
  const found: Found[] = [];
  walkBranches(t.branches, [], '/product_tree/branches', found);
  for (const [i, value] of list(t.full_product_names).entries()) {
    const full = obj(value);
    if (full)
      found.push({
        product: productOf(full, 'full_product_name', [], null),
        at: pointer('product_tree', 'full_product_names', i),
      });
  }
  for (const [i, value] of list(t.relationships).entries()) {
    const r = obj(value);
    const full = obj(r?.full_product_name);
    if (!r || !full) continue;
    const relationship = {
      category: text(r.category) ?? '',
      productId: text(r.product_reference) ?? '',
      relatesToProductId: text(r.relates_to_product_reference) ?? '',
    };
    found.push({
      product: productOf(full, 'relationship', [], relationship),
      at: pointer('product_tree', 'relationships', i, 'full_product_name'),
    });
  }

  const byId = new Map<string, Found>();
  const duplicates: CsafIssue[] = [];
  const duplicateIds = new Set<string>();
  for (const f of found) {
    const first = byId.get(f.product.id);
    if (first) {
      duplicateIds.add(f.product.id);
      duplicates.push({
        instancePath: `${f.at}/product_id`,
        schemaPath: null,
        message: `product id '${f.product.id}' is already defined at ${first.at}`,
        code: 'advisories.csaf_product_defined_before',
        params: { id: f.product.id, first: first.at },
      });
    } else byId.set(f.product.id, f);
  }
  const [firstDuplicate] = duplicateIds;
  if (firstDuplicate !== undefined) {
    throw new CsafRefused(
      'advisories.csaf_product_duplicate',
      { id: firstDuplicate, count: duplicateIds.size },
      duplicates,
    );
  }

  const groups: CsafProductGroup[] = [];
  const groupAt = new Map<string, string>();
  const groupDuplicates: CsafIssue[] = [];
  const duplicateGroups = new Set<string>();
  for (const [i, value] of list(t.product_groups).entries()) {
    const g = obj(value);
    if (!g) continue;
    const id = text(g.group_id) ?? '';
    const at = pointer('product_tree', 'product_groups', i);
    const first = groupAt.get(id);
    if (first !== undefined) {
      duplicateGroups.add(id);
      groupDuplicates.push({
        instancePath: `${at}/group_id`,
        schemaPath: null,
        message: `product group '${id}' is already defined at ${first}`,
        code: 'advisories.csaf_group_defined_before',
        params: { id, first },
      });
      continue;
    }
    groupAt.set(id, at);
    groups.push({ id, summary: text(g.summary), productIds: [...new Set(texts(g.product_ids))] });
  }
  const [firstGroup] = duplicateGroups;
  if (firstGroup !== undefined) {
    throw new CsafRefused(
      'advisories.csaf_group_duplicate',
      { id: firstGroup, count: duplicateGroups.size },
      groupDuplicates,
    );
  }
  return { products: found.map((f) => f.product), groups };
}
