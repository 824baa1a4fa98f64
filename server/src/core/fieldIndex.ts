/**
 * Where each field name may appear in a kind's schema. Used to tell a user that a field written
 * at the wrong level belongs elsewhere (`wantSingletonReportedState` under `spec` belongs in a
 * downsync clause), and to suggest the field they probably meant.
 */
import bindingPolicySchema from '../../../schemas/bindingpolicy.v1alpha1.schema.json';
import bindingSchema from '../../../schemas/binding.v1alpha1.schema.json';
import type { SchemaKind } from './schema';
import type { YamlPath } from './yamlAst';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/** A field name and the generic path of the object holding it (`*` for any list index). */
export interface FieldLocation {
  readonly field: string;
  readonly location: YamlPath;
}

const SCHEMAS: Partial<Record<SchemaKind, SchemaNode>> = {
  BindingPolicy: bindingPolicySchema as SchemaNode,
  Binding: bindingSchema as SchemaNode,
};

const cache = new Map<SchemaKind, FieldLocation[]>();

function collect(node: SchemaNode, location: YamlPath, out: FieldLocation[]): void {
  for (const [field, child] of Object.entries(node.properties ?? {})) {
    out.push({ field, location });
    collect(child, [...location, field], out);
  }
  if (node.items) collect(node.items, [...location, '*'], out);
}

/** Every field of the kind with the location of the object that holds it; optionally one field only. */
export function knownFieldLocations(kind: SchemaKind, field?: string): FieldLocation[] {
  let all = cache.get(kind);
  if (!all) {
    all = [];
    const schema = SCHEMAS[kind];
    if (schema) collect(schema, [], all);
    cache.set(kind, all);
  }
  return field === undefined ? all : all.filter((entry) => entry.field === field);
}
