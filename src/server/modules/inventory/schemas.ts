import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';
import { checkSharedRef, type Field, fieldInput, fieldOutput } from './fields.js';
import { BASELINE_GAPS, SYSTEM_SORTS } from './queries.js';
import {
  CRITICALITY,
  componentFields,
  FROM_TYPES,
  processFields,
  supplierFields,
  systemFields,
  TO_TYPES,
} from './registers.js';

const orgSlug = z.string().min(1).max(63);
const keyParam = z.string().min(1).max(100);

export const recordParams = z.strictObject({ org: orgSlug, key: keyParam });
export const dependencyParams = z.strictObject({ org: orgSlug, id: z.uuid() });
export const templateParams = z.strictObject({ org: orgSlug, register: z.string().min(1).max(40) });

// Requests --------------------------------------------------------------------------------------

/** The body of a create: required fields required, the rest optional (null clears). */
function inputShape(fields: readonly Field[]) {
  return Object.fromEntries(
    fields.map((f) => [f.name, f.required ? fieldInput(f) : fieldInput(f).nullable().optional()]),
  );
}

const sharedRef = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    try {
      checkSharedRef(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'validation.shared_ref' });
    }
  });

export const createSystemBody = z.strictObject({
  ...inputShape(systemFields),
  owner_email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase())
    .nullable()
    .optional()
    .describe("the owner's e-mail address: a member of the organisation"),
  shared_system: sharedRef
    .nullable()
    .optional()
    .describe('the shared record this system is the local use of: "<owner organisation slug>/<key>"'),
});
export const updateSystemBody = createSystemBody.partial();

export const createProcessBody = z.strictObject(inputShape(processFields));
export const updateProcessBody = createProcessBody.partial();

export const createSupplierBody = z.strictObject(inputShape(supplierFields));
export const updateSupplierBody = createSupplierBody.partial();

export const createComponentBody = z.strictObject({
  ...inputShape(componentFields),
  system: keyParam.describe('the key of the system the component belongs to'),
});
export const updateComponentBody = createComponentBody.partial();

export const createDependencyBody = z
  .strictObject({
    from_type: z.enum(FROM_TYPES),
    from_key: keyParam,
    to_type: z.enum(TO_TYPES),
    to_key: keyParam,
  })
  .refine((d) => !(d.from_type === 'process' && d.to_type === 'supplier'), {
    message: 'validation.dependency_kinds',
    path: ['to_type'],
  })
  .refine((d) => !(d.from_type === 'system' && d.to_type === 'system' && d.from_key === d.to_key), {
    message: 'validation.dependency_self',
    path: ['to_key'],
  });

const boolParam = z.enum(['true', 'false']).optional();
const search = z.string().trim().min(1).max(200).optional().describe('part of the key or name');

export const systemsQuery = pageQuery.extend({
  q: search,
  criticality: z
    .string()
    .regex(new RegExp(`^(${[...CRITICALITY, 'none'].join('|')})(,(${[...CRITICALITY, 'none'].join('|')}))*$`))
    .optional()
    .describe('comma-separated: critical, high, medium, low, none (not assessed)'),
  health_data: boolParam,
  legacy: boolParam,
  medical_device: boolParam,
  gap: z.enum(BASELINE_GAPS).optional().describe('systems with this baseline gap (any: at least one)'),
  sort: z.enum(SYSTEM_SORTS).default('key'),
});
export const registerQuery = pageQuery.extend({ q: search });
export const componentsQuery = pageQuery.extend({
  q: search,
  system: keyParam.optional().describe("the system's key"),
});
export const dependenciesQuery = pageQuery.extend({
  system: keyParam
    .optional()
    .describe("the system's key: its dependencies at either end (what it uses and what uses it)"),
  from_type: z.enum(FROM_TYPES).optional(),
  from_key: keyParam.optional(),
  to_type: z.enum(TO_TYPES).optional(),
  to_key: keyParam.optional(),
});

// Responses -------------------------------------------------------------------------------------

function outputShape(fields: readonly Field[]) {
  return Object.fromEntries(fields.map((f) => [f.name, fieldOutput(f)]));
}

const times = { created_at: z.string(), updated_at: z.string() };

export const sharedRecord = z.object({
  owner: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
  key: z.string(),
  name: z.string(),
  vendor: z.string().nullable(),
  product: z.string().nullable(),
  model_number: z.string().nullable(),
  version: z.string().nullable(),
  cpe: z.string().nullable(),
  purl: z.string().nullable(),
  hosting: z.string().nullable(),
  legacy: z.boolean(),
  medical_device: z.boolean(),
});

export const system = z.object({
  id: z.uuid(),
  ...outputShape(systemFields),
  owner: z.object({ id: z.uuid(), email: z.string(), name: z.string() }).nullable(),
  shared_system: sharedRecord
    .nullable()
    .describe("the shared record (another organisation's) this system is the local use of; read-only"),
  linked_by: z.number().int().describe('for a shared system: how many other organisations link to it'),
  ...times,
});

export const process = z.object({ id: z.uuid(), ...outputShape(processFields), ...times });
export const supplier = z.object({ id: z.uuid(), ...outputShape(supplierFields), ...times });
export const component = z.object({
  id: z.uuid(),
  ...outputShape(componentFields),
  system: z.string(),
  system_name: z.string(),
  ...times,
});

export const dependency = z.object({
  id: z.uuid(),
  from_type: z.enum(FROM_TYPES),
  from_key: z.string(),
  from_name: z.string(),
  to_type: z.enum(TO_TYPES),
  to_key: z.string(),
  to_name: z.string(),
  created_at: z.string(),
});

export const systemDetail = system.extend({
  components: z.array(component).describe('the first 1,000 components by key'),
  components_truncated: z
    .boolean()
    .describe('true when the system has more than 1,000 components (the components register lists them all)'),
  dependencies: z.array(dependency).describe('what the system uses and what uses it: the first 2,000'),
  dependencies_truncated: z
    .boolean()
    .describe('true when there are more than 2,000 (GET …/inventory/dependencies?system= pages through all)'),
});
