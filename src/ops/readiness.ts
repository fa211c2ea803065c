// What /readyz checks (the API host and every worker's metrics server): the bus answers, the store
// answers (when this process has one), and no consumer of this process is stuck (consumers.ts).
// A failure names each part that is not ready, so an operator reading the 503 knows where to look.
import { withinDeadline } from '../core/deadline.js';
import { EcouteError, errorMessage, isEcouteError } from '../core/errors.js';
import type { Bus } from '../streams/bus/types.js';
import type { MentionStore } from '../store/types.js';
import { consumerWatch, type ConsumerWatch } from './consumers.js';

const READY_TIMEOUT_MS = 3000;

export interface ReadinessDeps {
  bus?: Bus | undefined;
  store?: Pick<MentionStore, 'count'> | undefined;
  watch?: ConsumerWatch;
  timeoutMs?: number | undefined;
}

/** Why `what` is not ready, or undefined when it answered within the timeout. */
async function probe(what: string, work: () => Promise<unknown>, timeoutMs: number): Promise<string | undefined> {
  try {
    await withinDeadline(work(), timeoutMs, () => new EcouteError('API_NOT_READY', `no answer within ${timeoutMs} ms`));
    return undefined;
  } catch (error) {
    return `the ${what} does not answer (${isEcouteError(error) && error.code !== 'API_NOT_READY' ? error.code : errorMessage(error).slice(0, 120)})`;
  }
}

/** The parts that are not ready, each in a sentence; empty when ready. */
export async function notReady(deps: ReadinessDeps): Promise<string[]> {
  const timeoutMs = deps.timeoutMs ?? READY_TIMEOUT_MS;
  const { bus, store } = deps;
  const watch = deps.watch ?? consumerWatch;
  const answers = await Promise.all([
    store ? probe('store', () => store.count({}), timeoutMs) : undefined,
    bus ? probe('bus', () => bus.endOffsets('mentions.raw'), timeoutMs) : undefined,
  ]);
  const problems = answers.filter((a): a is string => a !== undefined);
  // A bus that does not answer cannot say whether a consumer moves: the bus is named already.
  if (problems.length === 0) {
    await watch.sample();
    for (const s of watch.stuck()) {
      problems.push(`the consumer ${s.group} of ${s.topic} is stuck (partition ${s.partition}: ${s.lag} records behind, no progress for ${s.stillForSeconds} s)`);
    }
  }
  return problems;
}

/** Resolves when ready; throws API_NOT_READY naming every part that is not (the API's deps.ready). */
export async function assertReady(deps: ReadinessDeps): Promise<void> {
  const problems = await notReady(deps);
  if (problems.length > 0) throw new EcouteError('API_NOT_READY', problems.join('; '));
}
