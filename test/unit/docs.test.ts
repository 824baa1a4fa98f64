/** The README's diagnostics catalogue is generated from the rule table and must not drift from it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderWarmUpCorpus, withCatalogue } from '../../scripts/generate-docs';
import { ALL_RULES } from '../../server/src/core/rules';

const repo = path.resolve(__dirname, '../../..');

test('README catalogue matches the rule table (run npm run docs)', () => {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  assert.equal(readme, withCatalogue(readme));
});

test('the warm-up corpus is the example policies as they are now (run npm run docs)', () => {
  const generated = readFileSync(path.join(repo, 'server', 'src', 'warmUpCorpus.ts'), 'utf8');
  assert.equal(generated, renderWarmUpCorpus(repo));
});

test('rule codes and names are unique', () => {
  assert.equal(new Set(ALL_RULES.map((r) => r.code)).size, ALL_RULES.length);
  assert.equal(new Set(ALL_RULES.map((r) => r.name)).size, ALL_RULES.length);
});
