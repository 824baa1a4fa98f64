/**
 * Output of `bindingpolicy check`: eslint-style "stylish" text for people, JSON for scripts (ranges
 * 0-based as in LSP), and SARIF 2.1.0 for code-scanning services (1-based, as SARIF wants).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../core/rules';
import type { CoreDiagnostic, Severity } from '../core/types';

export interface FileResult {
  readonly file: string;
  readonly text: string;
  readonly diagnostics: readonly CoreDiagnostic[];
}

interface Positioned {
  readonly range: { start: { line: number; character: number }; end: { line: number; character: number } };
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
}

function positioned(result: FileResult): Positioned[] {
  const document = TextDocument.create(result.file, 'yaml', 1, result.text);
  return result.diagnostics
    .map((d) => ({
      range: { start: document.positionAt(d.range.start), end: document.positionAt(d.range.end) },
      severity: d.severity,
      code: d.code,
      message: d.message,
    }))
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function formatCheckResults(results: readonly FileResult[], format: 'stylish' | 'json' | 'sarif'): string {
  if (format === 'json') return `${JSON.stringify(results.map((r) => ({ file: r.file, diagnostics: positioned(r) })), null, 2)}\n`;
  if (format === 'sarif') return `${JSON.stringify(sarif(results), null, 2)}\n`;
  return stylish(results);
}

function stylish(results: readonly FileResult[]): string {
  const out: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const result of results) {
    const diagnostics = positioned(result);
    if (diagnostics.length === 0) continue;
    out.push(result.file);
    const rows = diagnostics.map((d) => [`${d.range.start.line + 1}:${d.range.start.character + 1}`, d.severity, d.message.replace(/\s*\n\s*/g, ' '), d.code]);
    const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) out.push(`  ${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}  ${row[3]}`);
    out.push('');
    for (const d of diagnostics) counts[d.severity]++;
  }
  const total = counts.error + counts.warning + counts.information + counts.hint;
  if (total === 0) return `No problems in ${results.length} file${results.length === 1 ? '' : 's'}.\n`;
  const parts = [`${counts.error} error${counts.error === 1 ? '' : 's'}`, `${counts.warning} warning${counts.warning === 1 ? '' : 's'}`];
  if (counts.information + counts.hint > 0) parts.push(`${counts.information + counts.hint} info`);
  out.push(`${counts.error > 0 ? '✖' : '⚠'} ${total} problem${total === 1 ? '' : 's'} (${parts.join(', ')})`);
  return `${out.join('\n')}\n`;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function sarif(results: readonly FileResult[]): unknown {
  const ruleIndex = new Map(ALL_RULES.map((rule, index) => [rule.code, index]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bindingpolicy',
            informationUri: 'https://docs.kubestellar.io/',
            rules: ALL_RULES.map((rule) => ({
              id: rule.code,
              name: rule.name,
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.explanation },
              defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
              help: { text: rule.fix ? `${rule.explanation} Quick fix: ${rule.fix}` : rule.explanation },
            })),
          },
        },
        results: results.flatMap((result) =>
          positioned(result).map((d) => ({
            ruleId: d.code,
            ruleIndex: ruleIndex.get(d.code),
            level: SARIF_LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: result.file.split('\\').join('/') },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}
