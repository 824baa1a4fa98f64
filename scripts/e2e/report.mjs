// What a failing end-to-end run prints: the extension's own output (its output channels and the
// extension host log, read from code-server's logs folder), code-server's log and the browser console.
import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { findLogFiles, tail } from './code-server.mjs';

const LINES_PER_LOG = 80;

/**
 * Plain output channels live in exthostN/output_logging_*, log output channels in
 * exthostN/<extension id>/, and (remote)exthost.log holds activation errors. The built-in
 * extensions' logs (exthostN/vscode.*) and telemetry say nothing about ours.
 */
function isExtensionLog(path) {
  return /\/exthost\d+\//.test(path) && !/\/exthost\d+\/vscode\./.test(path) && !/telemetry/i.test(basename(path));
}

export async function printFailureReport({ state, server, consoleLines }) {
  const section = (title) => console.log(`\n----- ${title} -----`);
  const logs = (await findLogFiles(state)).filter(isExtensionLog);
  for (const path of logs) {
    const text = (await readFile(path, 'utf8')).trimEnd();
    section(`${basename(path)} (${relative(state.userData, path)})`);
    console.log(text ? text.split('\n').slice(-LINES_PER_LOG).join('\n') : '(empty)');
  }
  if (logs.length === 0) section('no extension logs were written');
  section(`code-server log (${server.logFile})`);
  console.log(await tail(server.logFile, 30));
  section('browser console');
  console.log(consoleLines.slice(-LINES_PER_LOG).join('\n') || '(empty)');
  console.log('----- end of failure report -----\n');
}
