// One way to stop waiting for something that may never answer (a paused broker, a node that is
// down): the work goes on, its late failure is swallowed, and the caller gets `timeout()` instead.
import type { EcouteError } from './errors.js';

/** Resolves as `work` does, or rejects with `timeout()` after `ms`, whichever comes first. */
export async function withinDeadline<T>(work: Promise<T>, ms: number, timeout: () => EcouteError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined); // a failure after the deadline was already answered for
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
