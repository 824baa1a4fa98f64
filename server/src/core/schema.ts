/**
 * Schema validation, schema lookup and null pruning for the KubeStellar and OCM kinds, from the JSON
 * Schemas that `scripts/generate-schemas.mjs` derives from the installed CRDs (`schemas/`).
 *
 * What the API server does with a manifest, and how this module mirrors it:
 * 1. It drops `null` values of fields that are not nullable (apiextensions'
 *    PruneNonNullableNullsWithoutDefaults), then puts defaults in for non-nullable nulls that have
 *    one. `pruneNulls` does both and says where; callers MUST run it before `validateSchema`, because
 *    the schemas (like the server's validator) reject a null where the field is not nullable.
 * 2. It validates against the structural schema, unknown fields included (strict field validation).
 *    `validateSchema` does that with ajv, then rewrites ajv's errors into one useful error each.
 * 3. It checks that `x-kubernetes-list-type: map` lists have no two items with the same keys
 *    (apiextensions' ValidateListSetsAndMaps). JSON Schema cannot say this, so `validateSchema`
 *    checks it itself.
 *
 * Startup cost (measured on the 2-core dev machine, esbuild bundle): loading this module with ajv,
 * ajv-formats and the six schemas adds ~10 ms to server startup. Validators are compiled lazily,
 * once per kind, on first use: ~31 ms for BindingPolicy, ~19 ms for ManagedCluster, less for the
 * rest; a validation afterwards takes ~0.2 ms. So startup never pays for a compile, and the first
 * diagnostics of a session pay ~31 ms once. Ajv's standalone code would remove the compile but means
 * ~340 KB of generated JavaScript to commit (it inlines the schemas, descriptions included) and to
 * keep in step with ajv's version; for a one-off ~31 ms the lazy compile is the better trade.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import bindingSchema from '../../../schemas/binding.v1alpha1.schema.json';
import bindingPolicySchema from '../../../schemas/bindingpolicy.v1alpha1.schema.json';
import combinedStatusSchema from '../../../schemas/combinedstatus.v1alpha1.schema.json';
import customTransformSchema from '../../../schemas/customtransform.v1alpha1.schema.json';
import schemaIndex from '../../../schemas/index.json';
import managedClusterSchema from '../../../schemas/managedcluster.v1.schema.json';
import statusCollectorSchema from '../../../schemas/statuscollector.v1alpha1.schema.json';

export type SchemaKind =
  | 'BindingPolicy'
  | 'Binding'
  | 'ManagedCluster'
  | 'StatusCollector'
  | 'CombinedStatus'
  | 'CustomTransform';

/** A location inside a document's value: property names and array indexes. */
export type SchemaPath = (string | number)[];

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

/** A node of a generated schema: the draft-07 keywords the generator emits. */
export interface JsonSchemaNode {
  readonly title?: string;
  readonly description?: string;
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly additionalProperties?: boolean | JsonSchemaNode;
  readonly items?: JsonSchemaNode;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly allOf?: readonly JsonSchemaNode[];
  readonly oneOf?: readonly JsonSchemaNode[];
  readonly not?: JsonSchemaNode;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  /** Marks a Kubernetes map-list: no two items may agree on all of these fields. */
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
}

/**
 * One schema violation. `keyword` is the JSON Schema keyword that failed, or
 * `x-kubernetes-list-map-keys` for a duplicate in a map-list. `params` are ajv's, except:
 * - `additionalProperties`: `{ additionalProperty, allowedProperties }` (the fields the object takes);
 * - `anyOf` over required-only branches (a downsync clause): `{ anyOfRequired }`, the fields of which
 *   at least one must be set;
 * - `type`: `{ type }`, the expected types joined by commas, without `null`;
 * - `x-kubernetes-list-map-keys`: `{ keys, duplicateOf }` (the index of the first item with those keys).
 */
export interface SchemaError {
  /**
   * The instance path: of the offending value; of the unknown field itself for
   * `additionalProperties`; of the object lacking a field for `required` and `anyOf`.
   */
  path: SchemaPath;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

/** One kind the generator produced a schema for (`schemas/index.json`). */
export interface SchemaIndexEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly scope: 'Cluster' | 'Namespaced';
  readonly shortNames: readonly string[];
  readonly file: string;
}

export const SCHEMA_INDEX = schemaIndex as readonly SchemaIndexEntry[];

const SCHEMAS: Readonly<Record<SchemaKind, JsonSchemaNode>> = {
  BindingPolicy: bindingPolicySchema as JsonSchemaNode,
  Binding: bindingSchema as JsonSchemaNode,
  ManagedCluster: managedClusterSchema as JsonSchemaNode,
  StatusCollector: statusCollectorSchema as JsonSchemaNode,
  CombinedStatus: combinedStatusSchema as JsonSchemaNode,
  CustomTransform: customTransformSchema as JsonSchemaNode,
};

export const SCHEMA_KINDS = Object.keys(SCHEMAS) as readonly SchemaKind[];

/** The schema kind for a manifest's `apiVersion` and `kind`, or undefined when there is none. */
export function schemaKindFor(apiVersion: unknown, kind: unknown): SchemaKind | undefined {
  const entry = SCHEMA_INDEX.find((e) => `${e.group}/${e.version}` === apiVersion && e.kind === kind);
  return SCHEMA_KINDS.find((schemaKind) => schemaKind === entry?.kind);
}

/** The root schema of a kind. */
export function rootSchema(kind: SchemaKind): JsonSchemaNode {
  return SCHEMAS[kind];
}

// ---------------------------------------------------------------------------------------------
// Schema lookup

/**
 * The schema of field `key` of an object described by `node`, the way the API server's structural
 * schema finds it: a named property, else the schema for additional properties. Combinators are not
 * consulted: in a structural schema they only restrict values, they never declare fields.
 */
function fieldSchema(node: JsonSchemaNode | undefined, key: string): JsonSchemaNode | undefined {
  if (node === undefined) return undefined;
  if (node.properties && Object.hasOwn(node.properties, key)) return node.properties[key];
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

function childSchema(node: JsonSchemaNode, segment: string | number): JsonSchemaNode | undefined {
  const direct = typeof segment === 'number' ? node.items : fieldSchema(node, segment);
  if (direct) return direct;
  for (const branch of [...(node.anyOf ?? []), ...(node.allOf ?? []), ...(node.oneOf ?? [])]) {
    const found = childSchema(branch, segment);
    if (found) return found;
  }
  return undefined;
}

/**
 * The sub-schema that describes the value at `path` (property names and array indexes), for
 * completion and hover; undefined where the schema says nothing (unknown field, free-form value).
 */
export function schemaAt(kind: SchemaKind, path: readonly (string | number)[]): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = SCHEMAS[kind];
  for (const segment of path) {
    if (node === undefined) return undefined;
    node = childSchema(node, segment);
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// Null pruning

export interface PrunedNulls {
  /** A copy of the input without the pruned nulls and with the defaulted nulls replaced. */
  readonly value: unknown;
  /** Fields whose `null` the API server drops silently: the schema does not allow null there. */
  readonly pruned: readonly SchemaPath[];
  /** Fields whose `null` the API server replaces with the schema's default value. */
  readonly defaulted: readonly SchemaPath[];
}

function isNullable(node: JsonSchemaNode): boolean {
  return Array.isArray(node.type) && node.type.includes('null');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a property even when its name is `__proto__`, which plain assignment would not. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * What the API server does to nulls before it validates a custom resource:
 * PruneNonNullableNullsWithoutDefaults (k8s.io/apiextensions-apiserver, pkg/apiserver/schema/
 * defaulting/prunenulls.go) deletes every object field whose value is null when the field's schema
 * exists, is not nullable and has no default. Fields without a schema (unknown fields) and array
 * items are never deleted, whatever their value: a null item stays and then fails validation. The
 * defaulting that follows (defaulting/algorithm.go) replaces a non-nullable null that has a default
 * with that default.
 *
 * The input is left unchanged; the result shares every part of it that needed no change, so
 * neither may be modified. Call this before `validateSchema`, and warn on `pruned`: a selector whose
 * only content was pruned becomes `{}` and matches everything.
 */
export function pruneNulls(kind: SchemaKind, value: unknown): PrunedNulls {
  const pruned: SchemaPath[] = [];
  const defaulted: SchemaPath[] = [];
  // Nearly every document has no null field at all, and finding that out needs no schema.
  if (!hasNullField(value)) return { value, pruned, defaulted };
  // When there is one, the walk copies only the objects and arrays on the way to a change and
  // returns everything else as it is, and builds a path only for a field it reports.
  const walk = (node: unknown, schema: JsonSchemaNode | undefined, trail: Trail | undefined): unknown => {
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const item = walk(node[i], schema?.items, { parent: trail, segment: i });
        if (item !== node[i]) (copy ??= node.slice())[i] = item;
      }
      return copy ?? node;
    }
    if (!isPlainObject(node)) return node;
    const keys = Object.keys(node);
    let copy: Record<string, unknown> | undefined;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const child = node[key];
      const childSchema = fieldSchema(schema, key);
      if (child === null && childSchema !== undefined && !isNullable(childSchema)) {
        copy ??= copyOfFields(node, keys, k);
        if (childSchema.default === undefined) {
          pruned.push(pathOf(trail, key));
        } else {
          defaulted.push(pathOf(trail, key));
          setOwn(copy, key, structuredClone(childSchema.default));
        }
        continue;
      }
      const walked = walk(child, childSchema, { parent: trail, segment: key });
      if (copy === undefined && walked !== child) copy = copyOfFields(node, keys, k);
      if (copy !== undefined) setOwn(copy, key, walked);
    }
    return copy ?? node;
  };
  return { value: walk(value, SCHEMAS[kind], undefined), pruned, defaulted };
}

/** Whether some object in `node` has a field whose value is null (only those can be pruned). */
function hasNullField(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasNullField);
  if (!isPlainObject(node)) return false;
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child = node[key];
    if (child === null || hasNullField(child)) return true;
  }
  return false;
}

/** The way from the root to a node, as a list linked towards the root. */
interface Trail {
  readonly parent: Trail | undefined;
  readonly segment: string | number;
}

function pathOf(trail: Trail | undefined, last: string): SchemaPath {
  const path: (string | number)[] = [last];
  for (let at = trail; at !== undefined; at = at.parent) path.push(at.segment);
  return path.reverse();
}

/** A new object with the first `count` of `keys` of `node`, in order. */
function copyOfFields(node: Record<string, unknown>, keys: readonly string[], count: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let k = 0; k < count; k++) setOwn(copy, keys[k], node[keys[k]]);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Validation

let ajv: Ajv | undefined;
const validators = new Map<SchemaKind, ValidateFunction>();

function createAjv(): Ajv {
  const instance = new Ajv({
    allErrors: true,
    strict: true,
    // The CRDs name a clause's fields in `required` inside `anyOf` branches that carry no `type` or
    // `properties` of their own; that is valid JSON Schema, and what Kubernetes writes.
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    // The schemas are generated and checked by the unit tests; checking them against the meta-schema
    // again at every start would only cost time.
    validateSchema: false,
    // A language server speaks LSP on stdout: nothing may be printed there.
    logger: false,
    // Skipping ajv's optimisation pass cuts the first compile by about a quarter (45 -> 33 ms for
    // BindingPolicy); validating stays at about 0.2 ms per document either way.
    code: { optimize: false },
  });
  // The generator lets through only formats whose ajv-formats meaning agrees with Kubernetes'.
  addFormats(instance);
  // Checked by `duplicateMapKeys` below, outside ajv; registered so strict mode accepts it.
  instance.addKeyword({ keyword: 'x-kubernetes-list-map-keys', schemaType: 'array' });
  return instance;
}

function validatorFor(kind: SchemaKind): ValidateFunction {
  let validator = validators.get(kind);
  if (validator === undefined) {
    ajv ??= createAjv();
    validator = ajv.compile(SCHEMAS[kind]);
    validators.set(kind, validator);
  }
  return validator;
}

/**
 * Validates a manifest's value (already passed through `pruneNulls`) against its kind's schema.
 * Returns no errors for a valid value; never throws for any JSON-like input.
 */
export function validateSchema(kind: SchemaKind, value: unknown): SchemaError[] {
  const validator = validatorFor(kind);
  validator(value);
  return [
    ...describeAjvErrors(SCHEMAS[kind], validator.errors ?? [], value),
    ...duplicateMapKeys(SCHEMAS[kind], value, []),
  ];
}

const declaresMapListsCache = new WeakMap<JsonSchemaNode, boolean>();

/**
 * Whether `schema` or a schema below it (through the fields and items `duplicateMapKeys` follows)
 * is a map-list. The BindingPolicy schema has none, so its values are not walked at all.
 */
function declaresMapLists(schema: JsonSchemaNode): boolean {
  let answer = declaresMapListsCache.get(schema);
  if (answer === undefined) {
    const children = [
      ...Object.values(schema.properties ?? {}),
      ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
      ...(schema.items ? [schema.items] : []),
    ];
    answer = schema['x-kubernetes-list-map-keys'] !== undefined || children.some(declaresMapLists);
    declaresMapListsCache.set(schema, answer);
  }
  return answer;
}

/** Splits a JSON pointer into segments; indexes into arrays become numbers. */
function pointerToPath(pointer: string, root: unknown): SchemaPath {
  if (pointer === '') return [];
  const path: SchemaPath = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return path;
}

function valueAt(root: unknown, path: SchemaPath): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return node;
}

/** The schema node an ajv `schemaPath` (`#/properties/spec/...`) points at. */
function schemaNodeAt(root: JsonSchemaNode, schemaPath: string): unknown {
  let node: unknown = root;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/').filter((s) => s !== '')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = Array.isArray(node) ? node[Number(key)] : isPlainObject(node) ? node[key] : undefined;
  }
  return node;
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  'date-time': 'RFC 3339 date-time (e.g. 2024-05-01T12:00:00Z)',
  date: 'RFC 3339 date (e.g. 2024-05-01)',
  byte: 'base64 string',
  int32: '32-bit integer',
  int64: '64-bit integer',
};

/** The required-only branches of an anyOf, as the field names they require; undefined otherwise. */
function requiredOnlyBranches(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const names: string[] = [];
  for (const branch of branches) {
    if (!isPlainObject(branch) || Object.keys(branch).join() !== 'required' || !Array.isArray(branch.required)) {
      return undefined;
    }
    names.push(...(branch.required as string[]));
  }
  return names;
}

function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

function describeAjvErrors(root: JsonSchemaNode, errors: readonly ErrorObject[], value: unknown): SchemaError[] {
  // ajv reports every failed branch of an anyOf as well as the anyOf itself; the branches only say
  // "must have required property X" N times, which the single anyOf error says better.
  const failedAnyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const isBranchNoise = (e: ErrorObject): boolean =>
    failedAnyOfs.some(
      (a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`) && isWithin(e.instancePath, a.instancePath),
    );
  return errors.filter((e) => !isBranchNoise(e)).map((e) => describeAjvError(root, e, value));
}

function describeAjvError(root: JsonSchemaNode, error: ErrorObject, value: unknown): SchemaError {
  const path = pointerToPath(error.instancePath, value);
  const data = valueAt(value, path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const owner = schemaNodeAt(root, error.schemaPath.replace(/\/additionalProperties$/, '')) as JsonSchemaNode;
      const allowedProperties = Object.keys(owner?.properties ?? {});
      return {
        path: [...path, field],
        keyword: error.keyword,
        message: allowedProperties.length > 0
          ? `unknown field "${field}"`
          : `unknown field "${field}": this object takes no fields`,
        params: { additionalProperty: field, allowedProperties },
      };
    }
    case 'required':
      return { path, keyword: error.keyword, message: `missing required field "${String(params.missingProperty)}"`, params };
    case 'anyOf': {
      const fields = requiredOnlyBranches(schemaNodeAt(root, error.schemaPath));
      return fields
        ? { path, keyword: error.keyword, message: `must set at least one of: ${fields.join(', ')}`, params: { anyOfRequired: fields } }
        : { path, keyword: error.keyword, message: 'does not match any of the allowed forms', params };
    }
    case 'type': {
      // A type error is never about a null where null is allowed, so "null" is left out of what is expected.
      const expected = (Array.isArray(params.type) ? params.type : String(params.type).split(','))
        .filter((t) => t !== 'null');
      return {
        path,
        keyword: error.keyword,
        message: `expected ${expected.join(' or ')}, got ${jsonTypeOf(data)}`,
        params: { type: expected.join(',') },
      };
    }
    case 'const':
      return { path, keyword: error.keyword, message: `must be ${JSON.stringify(params.allowedValue)}`, params };
    case 'enum':
      return {
        path,
        keyword: error.keyword,
        message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        params,
      };
    case 'pattern':
      return {
        path,
        keyword: error.keyword,
        message: `${JSON.stringify(data)} does not match the pattern ${String(params.pattern)}`,
        params,
      };
    case 'format': {
      const format = String(params.format);
      return {
        path,
        keyword: error.keyword,
        message: `${JSON.stringify(data)} is not a valid ${FORMAT_NAMES[format] ?? format}`,
        params,
      };
    }
    default:
      return { path, keyword: error.keyword, message: error.message ?? `fails "${error.keyword}"`, params };
  }
}

/**
 * Duplicates in `x-kubernetes-list-type: map` lists, as apiextensions' ValidateListSetsAndMaps
 * finds them (pkg/apiserver/schema/listtype/validation.go): items agreeing on every key field (a
 * missing key field counts as a value of its own) are duplicates, and each duplicated key is
 * reported once, at its second occurrence. The walk follows properties, additionalProperties and
 * items, as the server's does.
 */
function duplicateMapKeys(schema: JsonSchemaNode | undefined, value: unknown, path: SchemaPath): SchemaError[] {
  if (schema === undefined || !declaresMapLists(schema)) return [];
  const errors: SchemaError[] = [];
  if (Array.isArray(value)) {
    const keyFields = schema['x-kubernetes-list-map-keys'];
    // Items that are neither objects nor null get a type error; the server checks nothing more then.
    if (keyFields && value.every((item) => item === null || isPlainObject(item))) {
      const firstIndexOf = new Map<string, number>();
      const reported = new Set<string>();
      value.forEach((item, index) => {
        const keys: Record<string, unknown> = {};
        for (const field of keyFields) {
          if (isPlainObject(item) && Object.hasOwn(item, field)) keys[field] = item[field];
        }
        const identity = JSON.stringify(keys);
        const firstIndex = firstIndexOf.get(identity);
        if (firstIndex === undefined) {
          firstIndexOf.set(identity, index);
        } else if (!reported.has(identity)) {
          reported.add(identity);
          const described = keyFields.map((field) => `${field} ${JSON.stringify(keys[field]) ?? '(unset)'}`).join(', ');
          errors.push({
            path: [...path, index],
            keyword: 'x-kubernetes-list-map-keys',
            message: `duplicate entry: item ${firstIndex} has the same ${described}`,
            params: { keys, duplicateOf: firstIndex },
          });
        }
      });
    }
    value.forEach((item, index) => errors.push(...duplicateMapKeys(schema.items, item, [...path, index])));
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      errors.push(...duplicateMapKeys(fieldSchema(schema, key), child, [...path, key]));
    }
  }
  return errors;
}
