/**
 * The `bindingpolicy` command: the language service's checks and match previews, for CI.
 *
 *   bindingpolicy check PATH... [--workspace DIR | --kubeconfig F --its-context C --wds-context C] [--format stylish|json|sarif] [--fix]
 *   bindingpolicy explain PATH... (--workspace DIR | --kubeconfig ...) [--format text|json]
 *
 * Exit codes: 0 no error found, 1 at least one error, 2 a usage or IO failure.
 */
import { parseArgs } from 'node:util';
import { formatCheckResults, type FileResult } from './format';
import { collectYamlFiles, readText, writeText } from './files';
import { formatExplanations } from './explainFormat';
import { getLanguageService } from '../core/languageService';
import { applyEdits } from '../core/codeActions';
import { resourcesSelectedBy } from '../core/policy';
import { EMPTY_INVENTORY, type Inventory, type ResourceRef } from '../core/types';
import { loadWorkspace } from '../workspace/loader';
import { loadClusterInventoryOnce } from '../cluster';
import { useEnvironmentCopy } from '../environment';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const USAGE = `Usage:
  bindingpolicy check PATH... [options]     report problems in BindingPolicy YAML
  bindingpolicy explain PATH... [options]   show which WECs and objects each policy binds

Inventory (WECs and workload objects), needed by explain, optional for check:
  --workspace DIR            read ManagedClusters, Namespaces and workload objects from YAML under DIR
  --kubeconfig FILE          read them from live clusters instead (read-only), with:
  --its-context NAME         the kubeconfig context of the ITS (ManagedClusters)
  --wds-context NAME         the kubeconfig context of the WDS (workload objects, Bindings)

Output:
  --format FORMAT            check: stylish (default), json, sarif; explain: text (default), json
  --fix                      check: apply every certain quick fix to the files, then report what is left
  -h, --help                 show this help
`;

class UsageError extends Error {}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await runCommand(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`bindingpolicy: ${error.message}\n\n${USAGE}`);
    } else {
      io.stderr(`bindingpolicy: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 2;
  }
}

async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        kubeconfig: { type: 'string' },
        'its-context': { type: 'string' },
        'wds-context': { type: 'string' },
        format: { type: 'string' },
        fix: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const [command, ...paths] = positionals;
  if (command !== 'check' && command !== 'explain') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  if (paths.length === 0) throw new UsageError(`${command} needs at least one file or folder`);
  const formats = command === 'check' ? ['stylish', 'json', 'sarif'] : ['text', 'json'];
  const format = values.format ?? formats[0];
  if (!formats.includes(format)) throw new UsageError(`--format for ${command} is one of ${formats.join(', ')}`);
  if (values.fix && command !== 'check') throw new UsageError('--fix goes with check');

  // The files come first: a mistyped path should not wait for (or bother) a cluster, and a cluster
  // is asked only for the resource types these policies can select.
  const files = await collectYamlFiles(paths, io.cwd);
  if (files.length === 0) throw new UsageError(`no YAML files found in ${paths.join(', ')}`);
  // Parsing does not read the inventory, so the service can parse before the inventory is loaded;
  // every feature call below comes after it is set.
  let inventory: Inventory = EMPTY_INVENTORY;
  const service = getLanguageService({ getInventory: () => inventory });
  const inputs = [];
  for (const file of files) {
    const text = await readText(file.path);
    inputs.push({ file, text, parsed: service.parse(pathToFileURL(file.path).href, 1, text) });
  }
  inventory = await loadInventory(values, command === 'explain', resourcesSelectedBy(inputs.map((input) => input.parsed)), io);

  if (command === 'explain') {
    const explained = inputs.map(({ file, text, parsed }) => ({ file: file.display, text, explanations: service.explain(parsed) }));
    io.stdout(formatExplanations(explained, format as 'text' | 'json'));
    return explained.some((entry) => entry.explanations.some((policy) => policy.errors.length > 0)) ? 1 : 0;
  }

  const results: FileResult[] = [];
  for (const { file, text: original, parsed } of inputs) {
    let text = original;
    const uri = parsed.uri;
    let parsedFile = parsed;
    if (values.fix) {
      // Fixes can uncover or overlap others; a few rounds reach a fixed point on real files.
      for (let round = 2; round <= 6; round++) {
        const edits = service.fixAll(parsedFile);
        if (edits.length === 0) break;
        text = applyEdits(text, edits);
        parsedFile = service.parse(uri, round, text);
      }
      if (text !== original) await writeText(file.path, text);
    }
    results.push({ file: file.display, text, diagnostics: service.validate(parsedFile) });
  }
  io.stdout(formatCheckResults(results, format as 'stylish' | 'json' | 'sarif'));
  return results.some((result) => result.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

async function loadInventory(
  values: { workspace?: string; kubeconfig?: string; 'its-context'?: string; 'wds-context'?: string },
  required: boolean,
  resources: readonly ResourceRef[],
  io: CliIo,
): Promise<Inventory> {
  const cluster = values.kubeconfig !== undefined || values['its-context'] !== undefined || values['wds-context'] !== undefined;
  if (cluster && values.workspace !== undefined) throw new UsageError('use either --workspace or --kubeconfig/--its-context/--wds-context, not both');
  if (cluster) {
    if (!values['its-context'] || !values['wds-context']) throw new UsageError('cluster mode needs both --its-context and --wds-context');
    const { inventory, status } = await loadClusterInventoryOnce(
      { kubeconfigPath: values.kubeconfig, itsContext: values['its-context'], wdsContext: values['wds-context'], allowExecAuth: true },
      resources,
    );
    for (const [space, state] of Object.entries(status)) {
      if (state.state === 'error' || state.state === 'degraded') throw new Error(`cannot read the ${space.toUpperCase()}: ${state.message}`);
    }
    return inventory;
  }
  if (values.workspace !== undefined) {
    const load = await loadWorkspace([values.workspace]);
    for (const problem of load.problems) io.stderr(`warning: ${path.relative(io.cwd, fileURLToPath(problem.uri))}: ${problem.message}\n`);
    return load.inventory;
  }
  if (required) throw new UsageError('explain needs an inventory: --workspace DIR, or --kubeconfig with --its-context and --wds-context');
  return EMPTY_INVENTORY;
}

if (require.main === module) {
  useEnvironmentCopy();
  run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}
