/**
 * TEST-ONLY helpers that write kubeconfig files pointing at the fake API server, and a tiny exec
 * credential plugin (a Node script printing an ExecCredential) for exec authentication tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigCluster {
  readonly name: string;
  readonly server: string;
  /** A CA file path, written as given (relative paths resolve against the kubeconfig's folder). */
  readonly caFile?: string;
  /** CA PEM text, written base64-encoded as `certificate-authority-data`. */
  readonly caPem?: string;
}

export interface KubeconfigUser {
  readonly name: string;
  readonly token?: string;
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  readonly exec?: { readonly command: string; readonly args: readonly string[] };
}

export interface KubeconfigContext {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
}

export interface KubeconfigContent {
  readonly clusters: readonly KubeconfigCluster[];
  readonly users: readonly KubeconfigUser[];
  readonly contexts: readonly KubeconfigContext[];
  readonly currentContext?: string;
}

export function writeKubeconfig(file: string, content: KubeconfigContent): string {
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: content.clusters.map((cluster) => ({
      name: cluster.name,
      cluster: {
        server: cluster.server,
        ...(cluster.caFile ? { 'certificate-authority': cluster.caFile } : {}),
        ...(cluster.caPem ? { 'certificate-authority-data': Buffer.from(cluster.caPem).toString('base64') } : {}),
      },
    })),
    users: content.users.map((user) => ({
      name: user.name,
      user: {
        ...(user.token ? { token: user.token } : {}),
        ...(user.clientCertFile ? { 'client-certificate': user.clientCertFile, 'client-key': user.clientKeyFile } : {}),
        ...(user.exec
          ? { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: user.exec.command, args: user.exec.args, interactiveMode: 'Never' } }
          : {}),
      },
    })),
    contexts: content.contexts.map((context) => ({ name: context.name, context: { cluster: context.cluster, user: context.user } })),
    ...(content.currentContext ? { 'current-context': content.currentContext } : {}),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, stringify(document));
  return file;
}

/**
 * Writes an exec credential plugin: a Node script that appends a line to `markerFile` (so a test
 * can tell whether it ever ran) and prints an ExecCredential carrying `token`.
 */
export function writeExecPlugin(dir: string, token: string, markerFile: string): { command: string; args: string[] } {
  const script = path.join(dir, 'exec-credential-plugin.js');
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } };
  fs.writeFileSync(
    script,
    `require('node:fs').appendFileSync(${JSON.stringify(markerFile)}, 'ran\\n');\n` +
      `process.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`,
  );
  return { command: process.execPath, args: [script] };
}
