/** Output of `bindingpolicy explain`: readable text, or the JSON documented in the README. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ObjectExplanation, PolicyExplanation, SelectorExplanation } from '../core/explain';
import type { ObjectRef } from '../core/types';

export interface ExplainedFile {
  readonly file: string;
  readonly text: string;
  readonly explanations: readonly PolicyExplanation[];
}

export function formatExplanations(files: readonly ExplainedFile[], format: 'text' | 'json'): string {
  if (format === 'json') {
    const policies = files.flatMap(({ file, explanations }) =>
      explanations.map((policy) => ({
        name: policy.name,
        file,
        wecs: policy.wecs,
        clusterSelectors: policy.clusterSelectors,
        clauses: policy.clauses.map((clause) => ({
          index: clause.index,
          objects: clause.objects.map(identity),
          objectSelectors: clause.objectSelectors,
          namespaceSelectors: clause.namespaceSelectors,
        })),
        objects: policy.objects.map((object) => ({
          ...identity(object),
          createOnly: object.createOnly,
          wantSingletonReportedState: object.wantSingletonReportedState,
          wantMultiWECReportedState: object.wantMultiWECReportedState,
          statusCollectors: object.statusCollectors,
        })),
        errors: policy.errors,
      })),
    );
    return `${JSON.stringify({ policies }, null, 2)}\n`;
  }
  const out: string[] = [];
  for (const { file, text, explanations } of files) {
    const document = TextDocument.create(file, 'yaml', 1, text);
    for (const policy of explanations) {
      const line = document.positionAt(policy.range.start).line + 1;
      out.push(`BindingPolicy ${policy.name}  (${file}:${line})`);
      for (const error of policy.errors) out.push(`  ✖ ${error}`);
      out.push(`  WECs (${policy.wecs.length}): ${policy.wecs.join(', ') || 'none'}`);
      for (const selector of policy.clusterSelectors) out.push(`    clusterSelectors[${selector.index}]: ${describeSelector(selector, 'managedclusters')}`);
      for (const clause of policy.clauses) {
        out.push(`  downsync[${clause.index}] ${clause.summary}: ${clause.objects.length} object${clause.objects.length === 1 ? '' : 's'}`);
        for (const selector of clause.objectSelectors) out.push(`    objectSelectors[${selector.index}]: ${describeSelector(selector)}`);
        for (const selector of clause.namespaceSelectors) out.push(`    namespaceSelectors[${selector.index}]: ${describeSelector(selector, 'namespaces')}`);
        for (const object of clause.objects) out.push(`    ${formatObject(object)}`);
      }
      out.push(`  Objects (${policy.objects.length}):${policy.objects.length ? '' : ' none'}`);
      for (const object of policy.objects) out.push(`    ${formatObject(object)}${modulation(object)}`);
      out.push('');
    }
  }
  if (out.length === 0) return 'No BindingPolicy found.\n';
  return `${out.join('\n')}\n`;
}

function identity(object: ObjectRef): ObjectRef {
  return { group: object.group, version: object.version, resource: object.resource, namespace: object.namespace, name: object.name };
}

function describeSelector(selector: SelectorExplanation, resource?: string): string {
  if (!selector.valid) return `invalid: ${selector.error}`;
  const shown = selector.selector === '' ? '{} (matches everything)' : selector.selector;
  const command = resource && selector.selector !== '' ? `   kubectl get ${resource} -l '${selector.selector}'` : '';
  const wecs = selector.wecs ? ` → ${selector.wecs.length} WEC${selector.wecs.length === 1 ? '' : 's'}` : '';
  return `${shown}${wecs}${command}`;
}

function formatObject(object: ObjectRef): string {
  const group = object.group === '' ? 'core' : object.group;
  return `${group}/${object.version} ${object.resource} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

function modulation(object: ObjectExplanation): string {
  const flags: string[] = [];
  if (object.createOnly) flags.push('createOnly');
  if (object.wantSingletonReportedState) flags.push('wantSingletonReportedState');
  if (object.wantMultiWECReportedState) flags.push('wantMultiWECReportedState');
  if (object.statusCollectors.length) flags.push(`statusCollectors: ${object.statusCollectors.join(', ')}`);
  return flags.length ? `  [${flags.join('; ')}]` : '';
}
