// Drives the code-server workbench in Debian's chromium through playwright-core: one headless
// browser with a throwaway profile, the page's console kept for failure reports.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from './code-server.mjs';

export const CHROMIUM = process.env.KS_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

/** Console lines that every code-server page prints here and that say nothing about our code. */
const CONSOLE_NOISE = [/open-vsx\.org/, /vsda/, /ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED/];

/**
 * Opens a headless chromium with a fresh profile under the state folder (Playwright takes the
 * profile as an argument and refuses --user-data-dir among the flags).
 */
export async function launchBrowser(state) {
  const profile = join(state.root, 'chromium-profile');
  await mkdir(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: { ...process.env, TMPDIR: state.tmp, XDG_CONFIG_HOME: state.xdgConfig, XDG_CACHE_HOME: state.xdgCache },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines = [];
  page.on('console', (message) => {
    const text = message.text();
    if (!CONSOLE_NOISE.some((noise) => noise.test(text))) consoleLines.push(`[${message.type()}] ${text}`);
  });
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.stack ?? error.message}`));
  return { context, page, consoleLines, close: () => context.close() };
}

/** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
