/**
 * TEST-ONLY key material for the fake Kubernetes API server.
 *
 * Node cannot create X.509 certificates by itself, so the test setup asks the `openssl` command line
 * (present on Debian, Ubuntu, macOS and the node:20 images) for a throw-away CA, a server certificate
 * for 127.0.0.1 and a client certificate. Generating them per run, rather than committing a pair,
 * keeps private keys out of the repository (secret scanners stay quiet), cannot expire under the CI,
 * and proves on every run that a kubeconfig's custom `certificate-authority` is really what makes
 * the TLS connection trusted.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestPki {
  readonly dir: string;
  readonly caCertFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate whose subject CN is the Kubernetes user name `certUser`. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly certUser: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`the test PKI needs the openssl command line: openssl ${args[0]} failed: ${(err as Error).message}\n${stderr}`);
  }
}

/** Creates a CA and two leaf certificates (server for IP 127.0.0.1, client for `certUser`) in `dir`. */
export function generateTestPki(dir: string, certUser = 'cert-user'): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  openssl(
    ['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=fake-kube-test-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  const leaf = (name: string, subject: string, extensions: string): void => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl(['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
  };
  leaf('server', '/CN=fake-kube-apiserver', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', `/O=test-group/CN=${certUser}`, 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCertFile: path.join(dir, 'ca.crt'),
    serverCertFile: path.join(dir, 'server.crt'),
    serverKeyFile: path.join(dir, 'server.key'),
    clientCertFile: path.join(dir, 'client.crt'),
    clientKeyFile: path.join(dir, 'client.key'),
    certUser,
  };
}
