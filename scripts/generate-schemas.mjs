// Turns the installed CRDs (schemas/crds/*.yaml) into JSON Schemas (draft-07, for ajv 8), one file per
// served version of each kind, plus schemas/index.json listing them.
//
//   node scripts/generate-schemas.mjs [--out DIR]     (default DIR: schemas/)
//
// The output keeps what the API server means by the CRD's structural schema, as far as JSON Schema
// can say it:
// - Unknown fields are pruned by the server, and refused under strict field validation (kubectl's
//   default), so every object schema without `additionalProperties` or
//   `x-kubernetes-preserve-unknown-fields` gets `additionalProperties: false`.
// - `nullable: true` becomes a `"null"` member of `type`, which is how the API server's own
//   validator reads it. A null for a non-nullable field is NOT an error at the server: it is
//   dropped before validation. The schemas do not encode that; the caller prunes such nulls first
//   (`pruneNulls` in server/src/core/schema.ts).
// - `x-kubernetes-int-or-string` becomes `type: [integer, string]` (one clear type error instead of
//   an anyOf over two types). `x-kubernetes-list-type: set` becomes `uniqueItems`, and
//   `x-kubernetes-list-type: map` keeps `x-kubernetes-list-map-keys` for the validator's own keyword:
//   the server refuses duplicates in both (apiextensions' listtype validation). Atomic list and map
//   markers carry no validation and are dropped.
// - The CRD only says `metadata: {type: object}`; the server decodes it into ObjectMeta strictly, so
//   it is replaced by an ObjectMeta schema that catches typos and checks the name as the server does.
// - Keywords this script does not know make it fail, so nothing a future CRD says is lost silently.
//
// Output is deterministic (CRD order, two-space JSON, trailing newline) so that a test can
// regenerate into a temp directory and compare byte for byte.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const crdDir = path.join(repoRoot, 'schemas', 'crds');

const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

// Formats whose ajv-formats meaning agrees with the API server's. Any other format makes the script
// fail, because a silently different check (e.g. `duration`: Go durations vs ISO 8601) is worse than none.
const FORMATS = new Set(['date-time', 'date', 'byte', 'int32', 'int64']);

// OpenAPI v3 keywords copied as they are: JSON Schema draft-07 means the same by them.
const COPIED = [
  'title', 'description', 'format', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum',
  'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'required', 'default',
];
// Keywords handled below (or deliberately dropped: `externalDocs` and the atomic/granular markers).
const HANDLED = new Set([
  ...COPIED, 'type', 'nullable', 'exclusiveMinimum', 'exclusiveMaximum', 'example', 'externalDocs',
  'properties', 'additionalProperties', 'items', 'anyOf', 'allOf', 'oneOf', 'not',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
]);

function parseArgs(argv) {
  let out = path.join(repoRoot, 'schemas');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) {
      out = path.resolve(argv[++i]);
    } else {
      throw new Error(`usage: generate-schemas.mjs [--out DIR] (unexpected argument ${JSON.stringify(argv[i])})`);
    }
  }
  return { out };
}

/** Converts one OpenAPI v3 (CRD) schema node; `where` names it in error messages. */
function convert(node, where) {
  for (const key of Object.keys(node)) {
    if (!HANDLED.has(key)) throw new Error(`${where}: unsupported CRD schema keyword "${key}"`);
  }
  const out = {};
  for (const key of COPIED) {
    if (node[key] !== undefined) out[key] = structuredClone(node[key]);
  }
  if (out.format !== undefined && !FORMATS.has(out.format)) {
    throw new Error(`${where}: format "${out.format}" has no agreed meaning between ajv-formats and Kubernetes`);
  }
  if (node.example !== undefined) out.examples = [structuredClone(node.example)];
  // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum; draft-07 as numbers.
  if (node.exclusiveMinimum === true) {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  }
  if (node.exclusiveMaximum === true) {
    out.exclusiveMaximum = out.maximum;
    delete out.maximum;
  }

  if (node['x-kubernetes-int-or-string']) {
    // A structural schema spells int-or-string as this exact anyOf; it says no more than the type union.
    const branchTypes = (node.anyOf ?? []).map((branch) => branch.type).sort().join(',');
    if (branchTypes !== 'integer,string' || node.allOf || node.oneOf) {
      throw new Error(`${where}: x-kubernetes-int-or-string without the usual anyOf [integer, string]`);
    }
    out.type = ['integer', 'string'];
  } else {
    if (node.type !== undefined) out.type = node.type;
    for (const combiner of ['anyOf', 'allOf', 'oneOf']) {
      if (node[combiner]) out[combiner] = node[combiner].map((branch, i) => convert(branch, `${where}.${combiner}[${i}]`));
    }
  }
  if (node.not) out.not = convert(node.not, `${where}.not`);

  if (node.nullable === true) {
    if (typeof out.type !== 'string' || out.enum) {
      // The server's reading of nullable together with enum, or without a single type, is not
      // something this script models; refuse rather than guess.
      throw new Error(`${where}: nullable is only supported on a single type without enum`);
    }
    out.type = [out.type, 'null'];
  }

  if (node.properties) {
    out.properties = {};
    for (const [name, child] of Object.entries(node.properties)) {
      out.properties[name] = convert(child, `${where}.${name}`);
    }
  }
  if (node.items) out.items = convert(node.items, `${where}[]`);
  if (node.additionalProperties !== undefined) {
    out.additionalProperties = typeof node.additionalProperties === 'boolean'
      ? node.additionalProperties
      : convert(node.additionalProperties, `${where}.*`);
  } else if ((node.type === 'object' || node.properties) && !node['x-kubernetes-preserve-unknown-fields']) {
    // Structural pruning drops every field the schema does not name; strict validation refuses it.
    out.additionalProperties = false;
  }

  const listType = node['x-kubernetes-list-type'];
  if (listType === 'set') {
    out.uniqueItems = true;
  } else if (listType === 'map') {
    if (!Array.isArray(node['x-kubernetes-list-map-keys'])) {
      throw new Error(`${where}: x-kubernetes-list-type map without x-kubernetes-list-map-keys`);
    }
    out['x-kubernetes-list-map-keys'] = [...node['x-kubernetes-list-map-keys']];
  } else if (listType !== undefined && listType !== 'atomic') {
    throw new Error(`${where}: unknown x-kubernetes-list-type "${listType}"`);
  }
  return withReadableKeyOrder(out);
}

/** Puts what a reader looks for first (title, description, type) ahead of the other keywords. */
function withReadableKeyOrder(schema) {
  const ordered = {};
  for (const key of ['title', 'description', 'type']) {
    if (schema[key] !== undefined) ordered[key] = schema[key];
  }
  return { ...ordered, ...schema };
}

// Every ObjectMeta field a manifest may carry. Go decodes a JSON null into the field's zero value,
// so the server accepts null for each of them (it never reaches the CRD schema's null pruning):
// they are all nullable here, which keeps the schema and `pruneNulls` consistent with that.
function objectMetaSchema(kind, scope) {
  const nullable = (schema) => ({ ...schema, type: [schema.type, 'null'] });
  const stringMap = (description) => nullable({
    description,
    type: 'object',
    additionalProperties: nullable({ type: 'string' }),
  });
  const timestamp = (description) => nullable({ description, type: 'string', format: 'date-time' });
  const namespace = scope === 'Namespaced'
    ? nullable({
      description: 'The namespace of the object: a DNS-1123 label.',
      type: 'string',
      maxLength: 63,
      pattern: DNS1123_LABEL,
    })
    : nullable({
      description: `${kind} is cluster-scoped: the API server clears any namespace given here.`,
      type: 'string',
    });
  return {
    description: 'Standard object metadata (Kubernetes ObjectMeta).',
    type: 'object',
    properties: {
      name: nullable({
        description: 'The name of the object, unique among objects of its kind'
          + (scope === 'Namespaced' ? ' in its namespace' : '') + ': a DNS-1123 subdomain (lowercase letters, '
          + 'digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters).',
        type: 'string',
        maxLength: 253,
        pattern: DNS1123_SUBDOMAIN,
      }),
      generateName: nullable({
        description: 'A prefix from which the API server generates a unique name when `name` is not set.',
        type: 'string',
      }),
      namespace,
      selfLink: nullable({ description: 'Deprecated and no longer set by the API server.', type: 'string' }),
      uid: nullable({ description: 'Set by the API server: the unique id of this object.', type: 'string' }),
      resourceVersion: nullable({
        description: 'Set by the API server: the version of this object, used for optimistic concurrency.',
        type: 'string',
      }),
      generation: nullable({
        description: 'Set by the API server: the generation of the desired state.',
        type: 'integer',
        format: 'int64',
      }),
      creationTimestamp: timestamp('Set by the API server: when the object was created (RFC 3339).'),
      deletionTimestamp: timestamp('Set by the API server: when the object will be deleted (RFC 3339).'),
      deletionGracePeriodSeconds: nullable({
        description: 'Set by the API server: seconds allowed for graceful termination.',
        type: 'integer',
        format: 'int64',
      }),
      labels: stringMap('Labels: string keys and values, used by selectors.'),
      annotations: stringMap('Annotations: arbitrary non-identifying string metadata.'),
      ownerReferences: nullable({
        description: 'Objects this object depends on; it is garbage-collected when they are all gone.',
        type: 'array',
        items: {
          type: 'object',
          properties: {
            apiVersion: { description: 'API version of the owner.', type: 'string' },
            kind: { description: 'Kind of the owner.', type: 'string' },
            name: { description: 'Name of the owner.', type: 'string' },
            uid: { description: 'UID of the owner.', type: 'string' },
            controller: { description: 'True if the owner is the managing controller.', type: 'boolean' },
            blockOwnerDeletion: {
              description: 'True if the owner cannot be deleted before this object.',
              type: 'boolean',
            },
          },
          required: ['apiVersion', 'kind', 'name', 'uid'],
          additionalProperties: false,
        },
      }),
      finalizers: nullable({
        description: 'Conditions that must be cleared before the object is deleted.',
        type: 'array',
        items: { type: 'string' },
      }),
      managedFields: nullable({
        description: 'Set by the API server: which manager owns which fields (server-side apply).',
        type: 'array',
        // Entries are written by the server and may grow fields; they are not the user's to get right.
        items: { type: 'object' },
      }),
    },
    additionalProperties: false,
  };
}

/** The JSON Schema for one served version of one CRD. */
function kindSchema(crd, version, crdFile) {
  const { group, names, scope } = crd.spec;
  const where = `${crdFile}: ${names.kind} ${version.name}`;
  const root = version.schema?.openAPIV3Schema;
  if (!root) throw new Error(`${where}: no openAPIV3Schema`);
  const crdMetadata = root.properties?.metadata;
  if (crdMetadata && Object.keys(crdMetadata).some((key) => key !== 'type')) {
    throw new Error(`${where}: restrictions on metadata are not supported`);
  }
  const converted = convert(root, where);
  const apiVersion = `${group}/${version.name}`;
  converted.properties.apiVersion = { ...converted.properties.apiVersion, const: apiVersion };
  converted.properties.kind = { ...converted.properties.kind, const: names.kind };
  converted.properties.metadata = objectMetaSchema(names.kind, scope);
  converted.required = [...new Set(['apiVersion', 'kind', ...(converted.required ?? [])])];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: `Generated by scripts/generate-schemas.mjs from schemas/crds/${crdFile}; do not edit.`,
    title: `${names.kind} (${apiVersion})`,
    ...converted,
  };
}

function generate(outDir) {
  const entries = [];
  const files = new Map();
  for (const crdFile of readdirSync(crdDir).filter((name) => /\.ya?ml$/.test(name)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(crdDir, crdFile), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${crdFile}: ${doc.errors[0].message}`);
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const { group, names, scope } = crd.spec;
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const file = `${names.kind.toLowerCase()}.${version.name}.schema.json`;
        if (files.has(file)) throw new Error(`${crdFile}: ${file} would be written twice`);
        files.set(file, kindSchema(crd, version, crdFile));
        entries.push({
          group,
          version: version.name,
          kind: names.kind,
          plural: names.plural,
          singular: names.singular ?? names.kind.toLowerCase(),
          scope,
          shortNames: names.shortNames ?? [],
          file,
        });
      }
    }
  }
  entries.sort((a, b) => `${a.group}/${a.kind}/${a.version}`.localeCompare(`${b.group}/${b.kind}/${b.version}`));
  mkdirSync(outDir, { recursive: true });
  const write = (name, value) => writeFileSync(path.join(outDir, name), `${JSON.stringify(value, null, 2)}\n`);
  for (const [file, schema] of files) write(file, schema);
  write('index.json', entries);
  return entries;
}

const { out } = parseArgs(process.argv.slice(2));
const entries = generate(out);
console.log(`wrote ${entries.length} schemas and index.json to ${path.relative(process.cwd(), out) || '.'}`);
