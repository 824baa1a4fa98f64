/**
 * Entry point of the extension-host suite: VS Code loads this module (`extensionTestsPath`) inside
 * its extension host and awaits run(). scripts/e2e/run-extension-tests.mjs starts it in code-server;
 * scripts/e2e/run-electron-tests.mjs in a downloaded VS Code.
 *
 * KS_E2E_GREP (environment) runs only the tests whose full title matches it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, grep: process.env.KS_E2E_GREP });
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
