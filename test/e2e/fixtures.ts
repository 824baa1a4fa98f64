/**
 * What the end-to-end tests expect, derived from the workspace they open rather than written down:
 * the WECs are read from the workspace's ManagedCluster files, so the examples can change without
 * the tests going stale. Plain Node (no `vscode`), so both the extension-host suite and the
 * Playwright UI test (test/e2e/ui/) load it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const EXTENSION_ID = 'kubestellar-tools.kubestellar-bindingpolicy';
export const DIAGNOSTIC_SOURCE = 'kubestellar';
export const COMMANDS = [
  'kubestellar.showMatches',
  'kubestellar.refreshInventory',
  'kubestellar.selectContexts',
  'kubestellar.selectSource',
  'kubestellar.showOutput',
] as const;
/** Diagnostic codes look like BP1201 (see server/src/core/rules.ts). */
export const CODE_PATTERN = /^BP\d{4}$/;

export interface FixtureWec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The YAML files of a folder, recursively, in a stable order (hidden folders skipped). */
export function yamlFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) files.push(path);
  }
  return files.sort();
}

/**
 * Every ManagedCluster in the folder's YAML files, also inside `kind: List` documents (what
 * `kubectl get -o yaml` saves). Unparsable documents are skipped: broken examples live there too.
 */
export function readWecs(folder: string): FixtureWec[] {
  const wecs: FixtureWec[] = [];
  const collect = (object: unknown): void => {
    if (!object || typeof object !== 'object') return;
    const { kind, metadata, items } = object as { kind?: unknown; metadata?: { name?: unknown; labels?: unknown }; items?: unknown };
    if (kind === 'ManagedCluster' && typeof metadata?.name === 'string') {
      const labels = (metadata.labels ?? {}) as Record<string, string>;
      wecs.push({ name: metadata.name, labels });
    } else if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items)) {
      items.forEach(collect);
    }
  };
  for (const file of yamlFiles(folder)) {
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (document.errors.length === 0) collect(document.toJS());
    }
  }
  return wecs.sort((a, b) => a.name.localeCompare(b.name));
}

/** The label keys of all WECs, sorted: what completion at a clusterSelector key must offer. */
export function labelKeys(wecs: readonly FixtureWec[]): string[] {
  return [...new Set(wecs.flatMap((wec) => Object.keys(wec.labels)))].sort();
}

export interface LabelChoice {
  readonly key: string;
  readonly value: string;
  /** Names of the WECs whose label `key` equals `value`: what `matchLabels: {key: value}` binds. */
  readonly wecNames: readonly string[];
}

/**
 * A label pair that binds some but not all WECs (so a count proves the selector was evaluated),
 * preferring plain keys. `matchLabels` with one pair is plain equality, so the expectation needs
 * no matcher of its own.
 */
export function chooseSelectorLabel(wecs: readonly FixtureWec[]): LabelChoice {
  const choices: LabelChoice[] = [];
  for (const key of labelKeys(wecs)) {
    const values = [...new Set(wecs.map((wec) => wec.labels[key]).filter((value) => value !== undefined))].sort();
    for (const value of values) {
      const wecNames = wecs.filter((wec) => wec.labels[key] === value).map((wec) => wec.name);
      choices.push({ key, value, wecNames });
    }
  }
  const informative = (choice: LabelChoice) => choice.wecNames.length >= 2 && choice.wecNames.length < wecs.length;
  const chosen =
    choices.find((choice) => informative(choice) && !choice.key.includes('/') && choice.key !== 'name') ??
    choices.find(informative) ??
    choices[0];
  if (!chosen) throw new Error('the workspace has no labelled ManagedCluster to write a selector against');
  return chosen;
}

/**
 * A valid BindingPolicy with one cluster selector `matchLabels: {key: value}`, and, when
 * `withEmptySelectorLine` is set, a second selector whose key line is still empty: where a user
 * asks for completion of a label key.
 */
export function selectorPolicy(name: string, choice: LabelChoice, withEmptySelectorLine = false): string {
  return [
    'apiVersion: control.kubestellar.io/v1alpha1',
    'kind: BindingPolicy',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  clusterSelectors:',
    '  - matchLabels:',
    `      ${choice.key}: ${JSON.stringify(choice.value)}`,
    ...(withEmptySelectorLine ? ['  - matchLabels:', '      '] : []),
    '  downsync:',
    '  - resources: ["deployments"]',
    '',
  ].join('\n');
}

/** The line (0-based) and column after the indentation of the empty key line of selectorPolicy(). */
export function emptyKeyPosition(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((candidate, index) => index > 0 && /^\s+$/.test(candidate));
  if (line < 0) throw new Error('the policy has no empty key line');
  return { line, character: lines[line].length };
}

/**
 * The broken examples (examples/policies/broken/) mark each mistake with a `# mistake: ...`
 * comment on its line. Returns those lines, 0-based.
 */
export function mistakeLines(text: string): number[] {
  return text.split('\n').flatMap((line, index) => (/#\s*mistake\b/i.test(line) ? [index] : []));
}

/**
 * The rule (server/src/core/rules.ts) each broken example demonstrates, by file name. A file
 * listed here that no longer exists fails the suite, so a rename cannot drop its check silently.
 */
export const BROKEN_EXAMPLE_CODES: Readonly<Record<string, string>> = {
  'syntax-error.yaml': 'BP1001',
  'duplicate-key.yaml': 'BP1002',
  'apiversion-kind-in-clause.yaml': 'BP1103',
  'singleton-under-spec.yaml': 'BP1103',
  'create-only-only.yaml': 'BP1105',
  'null-matchlabels.yaml': 'BP1106',
  'operator-lowercase.yaml': 'BP1201',
  'in-without-values.yaml': 'BP1202',
  'exists-with-values.yaml': 'BP1203',
  'bad-object-selector-key.yaml': 'BP1204',
  'wildcard-with-others.yaml': 'BP1301',
  'kind-in-resources.yaml': 'BP1302',
  'namespaced-policy.yaml': 'BP1303',
  'multiwec-not-implemented.yaml': 'BP1304',
  'missing-cluster-selectors.yaml': 'BP1305',
  'apigroup-with-version.yaml': 'BP1306',
  'duplicate-entries.yaml': 'BP1307',
};
