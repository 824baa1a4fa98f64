/**
 * Makes `process.env` a plain object holding a copy of the environment.
 *
 * Node backs `process.env` with the C environment: every read of a variable goes through an
 * interceptor that calls into C++. The `yaml` package reads `process.env.LOG_TOKENS` once for every
 * token it parses (and `LOG_STREAM` once per document), so with the real `process.env` about a
 * quarter of a parse goes to looking up a variable that is never set: measured in-process on the
 * benchmark's 2,025-line file, `yaml` alone takes 14.6 ms with the real `process.env` and 10.5 ms
 * with a copy. A plain object answers the same reads from an inline cache.
 *
 * This is safe in our processes because nothing in them changes the environment after start:
 * child processes (kubeconfig exec plugins) are given `process.env` as it is, and no native code
 * here reads a variable that was set later. On Windows, `process.env` is also case-insensitive
 * (`Path` and `PATH` are one variable) and a plain copy is not, so there it stays as it is.
 *
 * Call it first thing in an entry point (the server, the CLI); the pure core never touches it.
 */
export function useEnvironmentCopy(): void {
  if (process.platform === 'win32') return;
  process.env = { ...process.env };
}
