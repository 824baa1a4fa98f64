/**
 * The rule table: every diagnostic the language service can report, with its stable code.
 *
 * Codes never change meaning once released (CI configurations and suppressions refer to them). The
 * README's diagnostics catalogue is generated from this table (`npm run docs`), and a test fails when
 * the README and the table disagree, so the documentation cannot drift.
 */
import type { Severity } from './types';

export interface Rule {
  readonly code: string;
  /** A short kebab-case name, stable like the code. */
  readonly name: string;
  readonly severity: Severity;
  /** One line: what is wrong. */
  readonly title: string;
  /** Why it matters in KubeStellar, for the catalogue. */
  readonly explanation: string;
  /** What the quick fix does, when one is offered. */
  readonly fix?: string;
}

function rule(code: string, name: string, severity: Severity, title: string, explanation: string, fix?: string): Rule {
  return { code, name, severity, title, explanation, fix };
}

export const RULES = {
  yamlSyntax: rule('BP1001', 'yaml-syntax', 'error', 'YAML syntax error',
    'The document cannot be read as YAML; kubectl would refuse the whole file.'),
  duplicateKey: rule('BP1002', 'duplicate-key', 'error', 'Duplicate key in a mapping',
    'YAML forbids repeated keys; kubectl refuses them, and tools that accept them keep only one value.',
    'Removes the repeated (later) entry when both entries are identical.'),
  documentTooComplex: rule('BP1003', 'document-too-complex', 'error', 'Document too large or too many aliases to analyse',
    'Very large documents and alias bombs are not analysed, so that the editor stays responsive.'),

  schemaType: rule('BP1101', 'schema-type', 'error', 'Value of the wrong type',
    'The API server checks types against the CRD schema and refuses the object.'),
  schemaRequired: rule('BP1102', 'schema-required', 'error', 'Required field missing',
    'The CRD requires this field; the API server refuses the object without it.'),
  unknownField: rule('BP1103', 'unknown-field', 'error', 'Unknown field',
    'kubectl apply refuses unknown fields (strict field validation); other clients make the API server drop them silently, so the intent is lost. When the field is a known field at the wrong level or a field of another API, the message says what to write instead.',
    'Moves a misplaced field to its place, or rewrites `apiVersion`/`kind` inside a clause as `apiGroup`/`resources`.'),
  schemaValue: rule('BP1104', 'schema-value', 'error', 'Value not allowed by the schema',
    'A pattern, format or enumeration of the CRD is violated; the API server refuses the object.'),
  clauseWithoutTest: rule('BP1105', 'clause-without-test', 'error', 'Downsync clause without a test field',
    'Each downsync clause must name at least one of apiGroup, resources, namespaces, namespaceSelectors, objectSelectors or objectNames (the CRD\'s anyOf); the API server refuses a clause with only modulations.'),
  nullDropped: rule('BP1106', 'null-dropped', 'warning', 'Null value dropped by the API server',
    'The API server drops a null value before validating (PruneNonNullableNullsWithoutDefaults). An empty `matchLabels:` or `matchExpressions:` line therefore leaves a selector `{}`, which matches everything.',
    'Removes the empty entry, which makes the meaning explicit.'),
  missingName: rule('BP1107', 'missing-name', 'error', 'Policy has no metadata.name',
    'The API server needs a name; the Binding the controller writes has the same name as its policy.'),

  selectorOperator: rule('BP1201', 'selector-operator', 'error', 'Invalid label-selector operator',
    'Operators are case-sensitive: exactly In, NotIn, Exists or DoesNotExist. In clusterSelectors kubectl apply refuses the object; in objectSelectors and namespaceSelectors the API server accepts it and KubeStellar silently matches nothing with that selector.',
    'Corrects the casing (`in` → `In`, `notin` → `NotIn`, ...).'),
  selectorValuesRequired: rule('BP1202', 'selector-values-required', 'error', 'In/NotIn without values',
    'In and NotIn need at least one value. The selector fails to convert: in clusterSelectors the controller cannot resolve the whole policy; elsewhere the selector silently matches nothing.'),
  selectorValuesForbidden: rule('BP1203', 'selector-values-forbidden', 'error', 'Exists/DoesNotExist with values',
    'Exists and DoesNotExist take no values. The selector fails to convert: in clusterSelectors the controller cannot resolve the whole policy; elsewhere the selector silently matches nothing.',
    'Removes `values`.'),
  selectorKey: rule('BP1204', 'selector-key', 'error', 'Invalid label key',
    'Label keys are qualified names: an optional lowercase DNS-subdomain prefix and `/`, then at most 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric.'),
  selectorValue: rule('BP1205', 'selector-value', 'error', 'Invalid label value',
    'Label values are at most 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric, or empty.'),

  wildcardMixed: rule('BP1301', 'wildcard-mixed', 'warning', '`"*"` mixed with other entries',
    'An entry `"*"` already matches everything; the other entries have no effect and suggest a misunderstanding.',
    'Keeps only `"*"`.'),
  resourceNotPlural: rule('BP1302', 'resource-not-plural', 'error', 'Resource is not a lowercase plural',
    'The controller compares `resources` literally with lowercase plural resource names (`deployments`); a kind (`Deployment`), singular or short name (`deploy`) matches nothing.',
    'Replaces the entry with the plural resource name.'),
  namespaceOnPolicy: rule('BP1303', 'namespace-on-policy', 'warning', '`metadata.namespace` on a cluster-scoped BindingPolicy',
    'BindingPolicy is cluster-scoped: the namespace has no meaning, and it does not limit the policy to that namespace (use a clause\'s `namespaces` for that).',
    'Removes `metadata.namespace`.'),
  multiWecNotImplemented: rule('BP1304', 'multi-wec-not-implemented', 'warning', '`wantMultiWECReportedState` is not implemented',
    'The CRD documents this field as not yet implemented: setting it has no effect today.'),
  noClusterSelectors: rule('BP1305', 'no-cluster-selectors', 'warning', 'No clusterSelectors: the policy binds no WEC',
    'An absent or empty `clusterSelectors` list binds no WEC at all (an empty selector `{}` would bind every WEC).'),
  apiGroupWithVersion: rule('BP1306', 'apigroup-with-version', 'error', '`apiGroup` written as group/version',
    '`apiGroup` takes the group alone (`apps`, or `""` for the core group); `apps/v1` matches no object.',
    'Keeps the group and drops the version.'),
  duplicateEntry: rule('BP1307', 'duplicate-entry', 'warning', 'Duplicate list entry',
    'A repeated entry has no effect and usually hides a typo of another entry.',
    'Removes the repeated entry.'),
  emptyNamespaceEntry: rule('BP1308', 'empty-namespace-entry', 'warning', 'Empty namespace entry `""`',
    'The controller compares namespaces literally, so `""` matches every cluster-scoped object. This is undocumented; the documented way is `"*"`.'),
  unknownResource: rule('BP1309', 'unknown-resource', 'warning', 'Unknown resource',
    'No resource of this name is known (built-in Kubernetes resources, CRDs in the workspace, or the connected WDS): the entry probably matches nothing.',
    'Replaces the entry with the closest known resource, when one is close.'),
  excludedResource: rule('BP1310', 'excluded-resource', 'warning', 'Resource that KubeStellar never downsyncs',
    'The controller never selects some API groups and resources (events, nodes, endpoints, coordination, KubeStellar\'s own control objects...), whatever the policy says.'),
  unknownStatusCollector: rule('BP1311', 'unknown-status-collector', 'warning', 'StatusCollector not found',
    'The referenced StatusCollector does not exist in the workspace or the WDS, so no status is collected for it.'),

  bindsNoWec: rule('BP1401', 'binds-no-wec', 'warning', 'The policy binds no WEC of the inventory',
    'None of the known WECs matches any cluster selector: nothing would be deployed.'),
  selectsNoObject: rule('BP1402', 'selects-no-object', 'warning', 'The policy selects no workload object',
    'No known workload object matches any downsync clause: nothing would be deployed.'),
  bindingDrift: rule('BP1403', 'binding-drift', 'information', 'The controller\'s Binding differs from the prediction',
    'The Binding in the WDS lists WECs or objects that the editor does not predict, or the reverse: the policy was changed since it was applied, or the estate changed.'),
} as const;

export type RuleId = keyof typeof RULES;

export const ALL_RULES: readonly Rule[] = Object.values(RULES);

/** The catalogue section of the README, generated from the table above. */
export function renderRuleCatalogue(): string {
  const lines = [
    '| Code | Name | Severity | What | Quick fix |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of ALL_RULES) {
    const what = `**${r.title}.** ${r.explanation}`.replace(/\|/g, '\\|');
    lines.push(`| ${r.code} | \`${r.name}\` | ${r.severity} | ${what} | ${(r.fix ?? '').replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}
