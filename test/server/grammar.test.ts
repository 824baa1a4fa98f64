/**
 * The TextMate injection that highlights label-selector operators and `"*"` wildcards in YAML.
 *
 * The first tests run its regexes with JavaScript's RegExp (they are written in the subset that
 * Oniguruma and JavaScript read alike). The last one tokenizes with VS Code's own engine and YAML
 * grammar, taken from the code-server install of the end-to-end tests, and is skipped without it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const REPO = path.resolve(__dirname, '../../..');
const GRAMMAR_PATH = path.join(REPO, 'syntaxes', 'bindingpolicy.injection.tmLanguage.json');

interface Rule {
  readonly match: string;
  readonly captures: Record<string, { readonly name: string }>;
}

interface Grammar {
  readonly scopeName: string;
  readonly injectionSelector: string;
  readonly patterns: readonly { readonly include: string }[];
  readonly repository: Record<string, Rule>;
}

const grammar = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8')) as Grammar;

/** Every match of a rule in `line`, as `scope-suffix=text` for the captures that carry our scopes. */
function highlights(rule: Rule, line: string): string[] {
  const found: string[] = [];
  const regex = new RegExp(rule.match, 'g');
  for (let match = regex.exec(line); match; match = regex.exec(line)) {
    for (const [group, capture] of Object.entries(rule.captures)) {
      const text = match[Number(group)];
      const ours = capture.name.split(' ').find((scope) => scope.endsWith('.kubestellar'));
      if (text !== undefined && ours) found.push(`${ours.split('.')[0]}=${text}`);
    }
  }
  return found;
}

describe('the BindingPolicy grammar injection', () => {
  it('is a well-formed injection into source.yaml that package.json contributes', () => {
    assert.equal(grammar.injectionSelector, 'L:source.yaml -comment');
    for (const pattern of grammar.patterns) {
      assert.match(pattern.include, /^#/);
      assert.ok(grammar.repository[pattern.include.slice(1)], `${pattern.include} is defined`);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const contributed = pkg.contributes.grammars.find((entry: { scopeName: string }) => entry.scopeName === grammar.scopeName);
    assert.ok(contributed, 'package.json contributes the grammar');
    assert.deepEqual(contributed.injectTo, ['source.yaml']);
    assert.equal(path.resolve(REPO, contributed.path), GRAMMAR_PATH);
  });

  it('highlights the four operators as values of operator:, plain or quoted, block or flow', () => {
    const rule = grammar.repository['selector-operator'];
    const cases: [string, string[]][] = [
      ['      operator: In', ['keyword=In']],
      ['      operator: NotIn   # not in prod', ['keyword=NotIn']],
      ['    - operator: Exists', ['keyword=Exists']],
      ['      operator: "DoesNotExist"', ['keyword=DoesNotExist']],
      ["      operator: 'In'", ['keyword=In']],
      ['    - {key: tier, operator: NotIn, values: [a]}', ['keyword=NotIn']],
      ['    - {key: tier,operator: Exists}', ['keyword=Exists']],
    ];
    for (const [line, expected] of cases) assert.deepEqual(highlights(rule, line), expected, line);
  });

  it('leaves misspelt operators and other keys alone', () => {
    const rule = grammar.repository['selector-operator'];
    for (const line of [
      '      operator: in',
      '      operator: Inside',
      '      operator: In x',
      '      operator: "In',
      '      myoperator: In',
      '      values: [In]',
      '      key: operator',
    ]) {
      assert.deepEqual(highlights(rule, line), [], line);
    }
  });

  it('highlights quoted "*" entries only', () => {
    const rule = grammar.repository.wildcard;
    const cases: [string, string[]][] = [
      ['  - resources: ["*"]', ['constant=*']],
      ['    - "*"', ['constant=*']],
      ["    - '*'   # everything", ['constant=*']],
      ["    objectNames: [ '*' , \"a*\" ]", ['constant=*']],
      ['    namespaces: ["web", "*"]', ['constant=*']],
      ['    other: "*x"', []],
      ['    other: "**"', []],
      ['    anchor: *ref', []],
      ['    note: "say \\"*\\""', []],
    ];
    for (const [line, expected] of cases) assert.deepEqual(highlights(rule, line), expected, line);
  });

  it('tokenizes as intended inside VS Code\'s YAML grammar', async (t) => {
    const vscodeDir = path.join(REPO, '.code-server', 'node_modules', 'code-server', 'lib', 'vscode');
    if (!fs.existsSync(path.join(vscodeDir, 'node_modules', 'vscode-textmate'))) {
      t.skip('code-server is not installed (scripts/e2e/setup-code-server.sh)');
      return;
    }
    const scopes = await tokenizeWithVsCode(vscodeDir, [
      'spec:',
      '  clusterSelectors:',
      '  - matchExpressions:',
      '    - key: env',
      '      operator: In   # operator: NotIn',
      '      values: [prod, "*"]',
      '    - {key: tier, operator: NotIn, values: [a]}',
      '    - key: zone',
      '      operator: exists',
      '  downsync:',
      '  - resources:',
      '    - "*"',
    ]);
    assert.deepEqual(scopes, [
      { line: 4, text: 'In', scope: 'keyword.control.operator.selector.kubestellar' },
      { line: 5, text: '*', scope: 'constant.language.wildcard.kubestellar' },
      { line: 6, text: 'NotIn', scope: 'keyword.control.operator.selector.kubestellar' },
      { line: 11, text: '*', scope: 'constant.language.wildcard.kubestellar' },
    ]);
  });
});

/** Tokenizes `lines` with VS Code's TextMate engine, its YAML grammars and our injection. */
async function tokenizeWithVsCode(vscodeDir: string, lines: readonly string[]): Promise<{ line: number; text: string; scope: string }[]> {
  const textmate = require(path.join(vscodeDir, 'node_modules', 'vscode-textmate'));
  const oniguruma = require(path.join(vscodeDir, 'node_modules', 'vscode-oniguruma'));
  const wasm = fs.readFileSync(path.join(vscodeDir, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const yamlDir = path.join(vscodeDir, 'extensions', 'yaml', 'syntaxes');
  const yamlFiles = new Map(fs.readdirSync(yamlDir).map((file) => {
    const content = JSON.parse(fs.readFileSync(path.join(yamlDir, file), 'utf8')) as { scopeName: string };
    return [content.scopeName, path.join(yamlDir, file)] as const;
  }));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = scopeName === grammar.scopeName ? GRAMMAR_PATH : yamlFiles.get(scopeName);
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName: string) => (scopeName === 'source.yaml' ? [grammar.scopeName] : []),
  });
  const yaml = await registry.loadGrammar('source.yaml');
  const found: { line: number; text: string; scope: string }[] = [];
  let state = textmate.INITIAL;
  lines.forEach((line, index) => {
    const result = yaml.tokenizeLine(line, state);
    state = result.ruleStack;
    for (const token of result.tokens as { startIndex: number; endIndex: number; scopes: string[] }[]) {
      const ours = token.scopes.find((scope) => scope.endsWith('.kubestellar'));
      if (ours) found.push({ line: index, text: line.slice(token.startIndex, token.endIndex), scope: ours });
    }
  });
  return found;
}
