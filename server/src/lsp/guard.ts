/**
 * The one guard every LSP handler runs under.
 *
 * A language server that dies on one bad request takes every feature down with it for the rest of
 * the session, and the user only sees features silently stop. So a handler's exception (thrown or
 * rejected) is logged with its stack and turned into the handler's neutral answer (no hover, no
 * completions, nothing to do).
 */
export interface ErrorLog {
  error(message: string): void;
}

export type Handler<P, R, X extends unknown[]> = (params: P, ...rest: X) => R | Promise<R>;

export class HandlerGuard {
  /** `onActivity` hears of every handler that starts, so idle-time work can step aside. */
  constructor(
    private readonly log: ErrorLog,
    private readonly onActivity: () => void = () => undefined,
  ) {}

  /** Wraps `handler` so that a failure answers `fallback` and logs `name` with the stack. */
  wrap<P, R, X extends unknown[]>(name: string, fallback: R, handler: Handler<P, R, X>): (params: P, ...rest: X) => Promise<R> {
    return async (params: P, ...rest: X): Promise<R> => {
      this.onActivity();
      try {
        return await handler(params, ...rest);
      } catch (error) {
        this.report(name, error);
        return fallback;
      }
    };
  }

  /** Runs a piece of background work (a reload, a re-validation) and logs its failure. */
  run(name: string, work: () => unknown): void {
    this.onActivity();
    try {
      const result = work();
      if (result instanceof Promise) result.catch((error: unknown) => this.report(name, error));
    } catch (error) {
      this.report(name, error);
    }
  }

  report(name: string, error: unknown): void {
    const detail = error instanceof Error ? error.stack ?? `${error.name}: ${error.message}` : String(error);
    this.log.error(`${name} failed: ${detail}`);
  }
}
