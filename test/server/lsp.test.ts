/** The server's edge pieces on their own: the handler guard and the offset ↔ position conversions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostic, toFoldingRanges } from '../../server/src/lsp/convert';
import { HandlerGuard } from '../../server/src/lsp/guard';
import { toOffsetRange, toRange } from '../../server/src/lsp/positions';

describe('HandlerGuard', () => {
  it('answers the fallback and logs the stack when a handler throws or rejects', async () => {
    const logged: string[] = [];
    const guard = new HandlerGuard({ error: (message) => logged.push(message) });
    const throws = guard.wrap('hover', null, (_params: unknown) => {
      throw new TypeError('boom');
    });
    const rejects = guard.wrap('completion', [] as string[], async (_params: unknown) => Promise.reject(new Error('late boom')));
    const works = guard.wrap('symbols', [] as string[], (params: string) => [params]);
    assert.equal(await throws({}), null);
    assert.deepEqual(await rejects({}), []);
    assert.deepEqual(await works('ok'), ['ok']);
    assert.equal(logged.length, 2);
    assert.match(logged[0], /^hover failed: TypeError: boom\n\s+at /);
    assert.match(logged[1], /^completion failed: Error: late boom/);
  });

  it('logs failures of background work, synchronous or not', async () => {
    const logged: string[] = [];
    const guard = new HandlerGuard({ error: (message) => logged.push(message) });
    guard.run('reload', () => {
      throw new Error('sync');
    });
    guard.run('validate', async () => {
      throw new Error('async');
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(logged.map((line) => line.split('\n')[0]), ['reload failed: Error: sync', 'validate failed: Error: async']);
  });
});

describe('offset and position conversions', () => {
  // An emoji is two UTF-16 code units, like in JavaScript strings and LSP's default encoding.
  const text = 'a: "😀"\r\nkey: value\n';
  const document = TextDocument.create('file:///x.yaml', 'yaml', 1, text);

  it('count UTF-16 code units and treat CRLF as one line break', () => {
    const value = text.indexOf('value');
    assert.deepEqual(toRange(document, { start: value, end: value + 5 }), {
      start: { line: 1, character: 5 },
      end: { line: 1, character: 10 },
    });
    const afterEmoji = text.indexOf('"', 4);
    assert.deepEqual(toRange(document, { start: afterEmoji, end: afterEmoji }).start, { line: 0, character: 6 });
    assert.deepEqual(toOffsetRange(document, { start: { line: 1, character: 10 }, end: { line: 1, character: 5 } }), { start: value, end: value + 5 });
  });

  it('turn a core diagnostic into an LSP one with source, code, severity and tags', () => {
    const diagnostic = toDiagnostic(document, {
      code: 'BP1301',
      severity: 'warning',
      message: 'mixed',
      range: { start: 0, end: 1 },
      tags: ['unnecessary'],
    });
    assert.deepEqual(diagnostic, {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      severity: 2,
      code: 'BP1301',
      source: 'kubestellar',
      message: 'mixed',
      tags: [1],
    });
  });

  it('fold by lines and drop ranges within one line', () => {
    const folds = toFoldingRanges(document, [
      { start: 0, end: text.length },
      { start: 0, end: 4 },
    ]);
    assert.deepEqual(folds, [{ startLine: 0, endLine: 2 }]);
  });
});
