// The extension as a user meets it: the packaged .vsix installed into code-server, the example
// workspace opened in the real workbench, driven through chromium like a person would (Quick Open,
// mouse hover, Ctrl+Space) and checked by what the page shows. Screenshots go to test-results/.
//
// Run by scripts/e2e/run-e2e.mjs (`npm run test:e2e`), or alone after `npm run package`:
//   node --test test/e2e/ui/workbench.test.mjs
// KS_E2E_VSIX overrides the .vsix to install.
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  REPO_ROOT,
  createStateDir,
  findLogFiles,
  installVsix,
  removeStateDir,
  startCodeServer,
} from '../../../scripts/e2e/code-server.mjs';
import { printFailureReport } from '../../../scripts/e2e/report.mjs';
import { launchBrowser, screenshot } from '../../../scripts/e2e/workbench.mjs';

// Compiled by `npm run compile-tests`; shared with the extension-host suite.
const { chooseSelectorLabel, emptyKeyPosition, labelKeys, readWecs, selectorPolicy } = createRequire(import.meta.url)(
  join(REPO_ROOT, 'out/test/e2e/fixtures.js'),
);

const VSIX = process.env.KS_E2E_VSIX ?? join(REPO_ROOT, 'kubestellar-bindingpolicy.vsix');
const BROKEN_POLICY = 'policies/broken/operator-lowercase.yaml';
const SELECTOR_POLICY = 'e2e-ui/selector.yaml';
const WAIT_MS = 20_000;

describe('KubeStellar BindingPolicy in the code-server workbench', () => {
  let state;
  let server;
  let browser;
  let page;
  let choice;
  let wecs;
  let failed = false;

  /** Runs one step; on failure keeps a screenshot of what the page showed. */
  function step(name, body) {
    test(name, async () => {
      try {
        await body();
      } catch (error) {
        failed = true;
        if (page) console.log(`screenshot: ${await screenshot(page, `ui-failure-${slug(name)}`)}`);
        throw error;
      }
    });
  }

  before(async () => {
    state = await createStateDir('ks-e2e-ui-');
    const workspace = join(state.root, 'workspace');
    await cp(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
    wecs = readWecs(workspace);
    choice = chooseSelectorLabel(wecs);
    await mkdir(dirname(join(workspace, SELECTOR_POLICY)), { recursive: true });
    await writeFile(join(workspace, SELECTOR_POLICY), selectorPolicy('e2e-ui', choice, true));

    await installVsix(state, VSIX);
    // The client's trace of its traffic with the server goes to the KubeStellar output channel,
    // so a failed step can say which requests went out and what came back.
    server = await startCodeServer(state, { settings: { 'kubestellar.trace.server': 'verbose' } });
    browser = await launchBrowser(state);
    page = browser.page;
    await page.goto(server.workbenchUrl(workspace));
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  });

  after(async () => {
    if (failed && server) await printFailureReport({ state, server, consoleLines: browser?.consoleLines ?? [] });
    await browser?.close();
    await server?.stop();
    if (state) await removeStateDir(state);
  });

  /**
   * Opens a workspace file through Quick Open, as a user would, and returns the editor that shows it:
   * the one whose `data-uri` (set by Monaco when it attaches a text model) names the file, so a
   * step's locators look at this file's lines and nothing else on the page.
   */
  async function openWithQuickOpen(relativePath) {
    const name = relativePath.split('/').pop();
    await page.keyboard.press('Control+P');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('input').waitFor();
    await page.keyboard.type(relativePath);
    await quickInput.locator('.monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: name }).waitFor();
    const editor = page.locator(`.editor-instance .monaco-editor[data-uri$="/${relativePath}"]`);
    await editor.locator('.view-lines .view-line').first().waitFor();
    return editor;
  }

  step('a broken policy gets a squiggle and a Problems row with its code', async () => {
    const editor = await openWithQuickOpen(BROKEN_POLICY);
    await editor.locator('.squiggly-error').first().waitFor({ timeout: WAIT_MS });
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'BP1201' }).first();
    await row.waitFor({ timeout: WAIT_MS });
    console.log(`Problems row: ${(await row.innerText()).replace(/\s+/g, ' ')}`);
    await screenshot(page, 'ui-problems');
  });

  step('the status bar shows the KubeStellar item', async () => {
    const item = page.locator('.statusbar-item', { hasText: /KubeStellar|WECs/ }).first();
    await item.waitFor({ timeout: WAIT_MS });
    console.log(`status bar item: ${(await item.innerText()).trim()}`);
  });

  step('the hover on a cluster selector names the WECs it binds', async () => {
    const editor = await openWithQuickOpen(SELECTOR_POLICY);
    // The first selector of the policy (line 7), the one with the chosen label.
    const selectorKey = editor.locator('.view-line span span', { hasText: /^matchLabels$/ }).first();
    const hover = page.locator('.monaco-hover-content').filter({ hasText: choice.wecNames[0] }).first();
    // The hover waits for the pointer to rest; moving onto the token once is what a user does.
    await selectorKey.hover();
    // Where the pointer rests: the token's centre, read right after the pointer moved there.
    const box = await selectorKey.boundingBox();
    const pointer = box && { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    try {
      await hover.waitFor({ timeout: WAIT_MS });
    } catch (error) {
      console.log(`under the pointer: ${pointer ? await describeAt(page, pointer) : 'unknown (the token had no box)'}`);
      console.log(`hover traffic:\n${await traceOf(state, 'textDocument/hover')}`);
      throw error;
    }
    const text = await hover.innerText();
    console.log(`hover: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    for (const name of choice.wecNames) assert.ok(text.includes(name), `the hover does not name ${name}:\n${text}`);
    await screenshot(page, 'ui-hover');
  });

  step('completion at a clusterSelector label key offers the inventory label keys', async () => {
    await page.keyboard.press('Escape');
    const { line, character } = emptyKeyPosition(selectorPolicy('e2e-ui', choice, true));
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(`${line + 1}:${character + 1}`);
    await page.keyboard.press('Enter');
    // Ctrl+Space only reaches the editor once Go to Line has handed the focus back to it.
    await page.locator('.statusbar-item', { hasText: `Ln ${line + 1}, Col ${character + 1}` }).waitFor();
    await page.locator('.editor-instance .monaco-editor.focused').waitFor();
    await page.keyboard.press('Control+Space');
    const expected = labelKeys(wecs);
    const rows = page.locator('.editor-widget.suggest-widget .monaco-list-row');
    await rows.filter({ hasText: expected[0] }).first().waitFor({ timeout: WAIT_MS });
    const offered = await rows.locator('.label-name').allInnerTexts();
    console.log(`completion offers: ${offered.join(', ')}`);
    const missing = expected.filter((key) => !offered.includes(key));
    assert.deepEqual(missing, [], `completion does not offer ${missing.join(', ')} (offered: ${offered.join(', ')})`);
    await screenshot(page, 'ui-completion');
  });
});

/** What the page shows at `point` now: the element there and the file of the editor around it. */
function describeAt(page, point) {
  return page.evaluate(({ x, y }) => {
    const element = document.elementFromPoint(x, y);
    if (!element) return `nothing at (${x}, ${y})`;
    const file = element.closest('.monaco-editor')?.getAttribute('data-uri') ?? 'no editor';
    return `<${element.tagName.toLowerCase()} class="${element.className}"> "${element.textContent.slice(0, 80)}" at (${x}, ${y}), in ${file}`;
  }, point);
}

/** The trace lines about `method` in the KubeStellar output channel, with the answer below each. */
async function traceOf(state, method) {
  const channels = (await findLogFiles(state)).filter((path) => /KubeStellar\.log$/.test(path));
  const lines = (await Promise.all(channels.map((path) => readFile(path, 'utf8')))).join('\n').split('\n');
  const excerpt = [];
  lines.forEach((line, index) => {
    if (line.includes(`'${method}`)) excerpt.push(...lines.slice(index, index + 14).map((text) => text.slice(0, 240)));
  });
  return excerpt.join('\n') || `(no ${method} traffic in ${channels.length} KubeStellar output channel(s))`;
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
