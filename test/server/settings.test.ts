/**
 * `kubestellar.*` settings: how raw client values are checked, and the per-resource cache that is
 * invalidated by a configuration change.
 */
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkSettings, DEFAULT_SETTINGS, SettingsStore } from '../../server/src/lsp/settings';

describe('checkSettings', () => {
  it('gives the defaults for an empty or missing section', () => {
    assert.deepEqual(checkSettings(undefined), { settings: DEFAULT_SETTINGS, problems: [] });
    assert.deepEqual(checkSettings({}), { settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('reads nested values as VS Code sends them, and flattened ones', () => {
    const { settings, problems } = checkSettings({
      source: 'cluster',
      workspace: { include: ['manifests/**/*.yaml'], exclude: ['**/tmp/**'] },
      kubeconfig: '~/clusters/kubeconfig',
      its: { context: ' its1 ' },
      'wds.context': 'wds1',
      inlayHints: { enabled: false },
      hover: { maxListedNames: 3 },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      source: 'cluster',
      include: ['manifests/**/*.yaml'],
      exclude: ['**/tmp/**'],
      kubeconfig: path.join(os.homedir(), 'clusters/kubeconfig'),
      itsContext: 'its1',
      wdsContext: 'wds1',
      inlayHintsEnabled: false,
      hoverMaxListedNames: 3,
    });
  });

  it('treats empty context and kubeconfig strings as unset', () => {
    const { settings } = checkSettings({ kubeconfig: '', its: { context: '' }, wds: { context: '   ' } });
    assert.equal(settings.kubeconfig, undefined);
    assert.equal(settings.itsContext, undefined);
    assert.equal(settings.wdsContext, undefined);
  });

  it('falls back to the default for each wrong value and says which', () => {
    const { settings, problems } = checkSettings({
      source: 'clutser',
      workspace: { include: 'x.yaml' },
      inlayHints: { enabled: 'yes' },
      hover: { maxListedNames: 0 },
      its: { context: 42 },
    });
    assert.equal(settings.source, 'auto');
    assert.deepEqual(settings.include, DEFAULT_SETTINGS.include);
    assert.equal(settings.inlayHintsEnabled, true);
    assert.equal(settings.hoverMaxListedNames, DEFAULT_SETTINGS.hoverMaxListedNames);
    assert.equal(settings.itsContext, undefined);
    assert.equal(problems.length, 5);
    assert.match(problems.join('\n'), /kubestellar\.source: "clutser" is not one of auto, workspace, cluster/);
    assert.match(problems.join('\n'), /kubestellar\.hover\.maxListedNames: 0/);
  });
});

describe('SettingsStore', () => {
  it('pulls once per resource until invalidated', async () => {
    const asked: (string | undefined)[] = [];
    let inlayHints = true;
    const store = new SettingsStore({ onProblem: () => assert.fail('no problem expected') });
    store.usePull(async (scopeUri) => {
      asked.push(scopeUri);
      return { inlayHints: { enabled: scopeUri === 'file:///a.yaml' ? inlayHints : true } };
    });
    assert.equal((await store.forResource('file:///a.yaml')).inlayHintsEnabled, true);
    assert.equal((await store.forResource('file:///a.yaml')).inlayHintsEnabled, true);
    assert.equal((await store.forResource('file:///b.yaml')).inlayHintsEnabled, true);
    assert.deepEqual(asked, ['file:///a.yaml', 'file:///b.yaml']);
    inlayHints = false;
    assert.equal((await store.forResource('file:///a.yaml')).inlayHintsEnabled, true, 'cached until a change is reported');
    store.invalidate(null);
    assert.equal((await store.forResource('file:///a.yaml')).inlayHintsEnabled, false);
    assert.deepEqual(asked, ['file:///a.yaml', 'file:///b.yaml', 'file:///a.yaml']);
  });

  it('pulls once per workspace folder for the documents inside it, nested folders first', async () => {
    const asked: (string | undefined)[] = [];
    const store = new SettingsStore({ onProblem: () => assert.fail('no problem expected') });
    store.usePull(async (scopeUri) => {
      asked.push(scopeUri);
      return { hover: { maxListedNames: scopeUri === 'file:///w/inner/' ? 3 : 7 } };
    });
    store.useFolders(['file:///w', 'file:///w/inner/']);
    assert.equal((await store.forResource('file:///w/a.yaml')).hoverMaxListedNames, 7);
    assert.equal((await store.forResource('file:///w/sub/b.yaml')).hoverMaxListedNames, 7);
    assert.equal((await store.forResource('file:///w/inner/c.yaml')).hoverMaxListedNames, 3);
    // A sibling whose name merely starts like the folder is not inside it.
    assert.equal((await store.forResource('file:///wx/d.yaml')).hoverMaxListedNames, 7);
    store.forget('file:///w/a.yaml');
    assert.equal((await store.forResource('file:///w/e.yaml')).hoverMaxListedNames, 7);
    assert.deepEqual(asked, ['file:///w', 'file:///w/inner/', 'file:///wx/d.yaml']);

    // A folder at the root of the file system holds everything, and is asked about as written.
    store.useFolders(['file:///']);
    await store.forResource('file:///etc/a.yaml');
    assert.equal(asked.at(-1), 'file:///');
  });

  it('uses pushed settings when the client cannot be asked, and reports a bad value once', async () => {
    const problems: string[] = [];
    const store = new SettingsStore({ onProblem: (message) => problems.push(message) });
    assert.equal((await store.forWindow()).settings.source, 'auto');
    store.invalidate({ kubestellar: { source: 'workspace', hover: { maxListedNames: -1 } } });
    assert.equal((await store.forWindow()).settings.source, 'workspace');
    assert.equal((await store.forResource('file:///a.yaml')).source, 'workspace');
    assert.equal(problems.length, 1, problems.join('\n'));
  });

  it('answers the defaults when pulling fails, and asks again next time', async () => {
    const problems: string[] = [];
    let fail = true;
    const store = new SettingsStore({ onProblem: (message) => problems.push(message) });
    store.usePull(async () => {
      if (fail) throw new Error('client went away');
      return { source: 'cluster' };
    });
    assert.equal((await store.forWindow()).settings.source, 'auto');
    assert.match(problems[0], /could not read settings: client went away/);
    fail = false;
    assert.equal((await store.forWindow()).settings.source, 'cluster');
  });
});
