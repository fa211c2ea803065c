// Long-running commands stop on SIGINT (Ctrl-C) or SIGTERM (a supervisor), then drain.

/** Resolves with the name of the first stop signal received. */
export function untilStopSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
