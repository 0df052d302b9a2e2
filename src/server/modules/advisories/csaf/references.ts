import { list, obj, pointer, text } from './json.js';
import { type CsafIssue, CsafRefused } from './refusal.js';
import { PRODUCT_STATUS_CATEGORIES } from './types.js';

interface Reference {
  id: string;
  at: string;
}

/** Every product id and every group id the document refers to, with where (CSAF 2.0 §6.1.1, §6.1.4). */
export function productReferences(doc: unknown): { products: Reference[]; groups: Reference[] } {
  const products: Reference[] = [];
  const groups: Reference[] = [];
  const collect = (into: Reference[], ids: unknown, ...at: (string | number)[]) => {
    for (const [j, id] of list(ids).entries()) {
      const value = text(id);
      if (value !== null) into.push({ id: value, at: pointer(...at, j) });
    }
  };
  const d = obj(doc) ?? {};
  const tree = obj(d.product_tree) ?? {};
  for (const [i, g] of list(tree.product_groups).entries())
    collect(products, obj(g)?.product_ids, 'product_tree', 'product_groups', i, 'product_ids');
  for (const [i, value] of list(tree.relationships).entries()) {
    const r = obj(value) ?? {};
    for (const key of ['product_reference', 'relates_to_product_reference']) {
      const id = text(r[key]);
      if (id !== null) products.push({ id, at: pointer('product_tree', 'relationships', i, key) });
    }
  }
  for (const [i, value] of list(d.vulnerabilities).entries()) {
    const v = obj(value) ?? {};
    const status = obj(v.product_status) ?? {};
    for (const category of PRODUCT_STATUS_CATEGORIES)
      collect(products, status[category], 'vulnerabilities', i, 'product_status', category);
    for (const [k, s] of list(v.scores).entries())
      collect(products, obj(s)?.products, 'vulnerabilities', i, 'scores', k, 'products');
    for (const key of ['remediations', 'threats', 'flags']) {
      for (const [k, x] of list(v[key]).entries()) {
        collect(products, obj(x)?.product_ids, 'vulnerabilities', i, key, k, 'product_ids');
        collect(groups, obj(x)?.group_ids, 'vulnerabilities', i, key, k, 'group_ids');
      }
    }
  }
  return { products, groups };
}

function refuse(kind: 'product' | 'group', unknown: Reference[]): never {
  const what = kind === 'product' ? 'product id' : 'product group';
  const issues: CsafIssue[] = unknown.map((r) => ({
    instancePath: r.at,
    schemaPath: null,
    message: `${what} '${r.id}' is not defined in the product tree`,
    code: kind === 'product' ? 'advisories.csaf_product_undefined' : 'advisories.csaf_group_undefined',
    params: { id: r.id },
  }));
  const code = kind === 'product' ? 'advisories.csaf_product_unknown' : 'advisories.csaf_group_unknown';
  const [first] = unknown;
  throw new CsafRefused(code, { id: first?.id ?? '', path: first?.at ?? '', count: unknown.length }, issues);
}

/**
 * Refuses a document that refers to a product id or a group id its product tree does not define:
 * the reference could not be resolved to a product, so what the advisory says about it would be lost.
 */
export function checkReferences(doc: unknown, productIds: Set<string>, groupIds: Set<string>): void {
  const { products, groups } = productReferences(doc);
  const unknownProducts = products.filter((r) => !productIds.has(r.id));
  if (unknownProducts.length > 0) refuse('product', unknownProducts);
  const unknownGroups = groups.filter((r) => !groupIds.has(r.id));
  if (unknownGroups.length > 0) refuse('group', unknownGroups);
}
