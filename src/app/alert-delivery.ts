// Starts the notify stage for a runtime: the configured notifiers (each reads its credential now,
// so a missing one stops the start with NOTIFY_CONFIG naming it), over the runtime's alert store or
// one opened from the config (a worker process), on the `alerts` topic.
import { createNotifiers } from '../alerts/notifiers/index.js';
import { startNotifyStage } from '../alerts/notify-stage.js';
import { createAlertStore } from '../alerts/store/index.js';
import type { AlertStore } from '../alerts/store/types.js';
import type { Config } from '../config/schema.js';
import { EcouteError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Bus } from '../streams/bus/types.js';
import type { RunningStages } from '../streams/pipeline.js';

export function startAlertDelivery(runtime: { config: Readonly<Config>; bus: Bus; alertStore?: AlertStore | undefined }, log: Logger): RunningStages | undefined {
  const notifiers = createNotifiers(runtime.config);
  if (notifiers.length === 0) return undefined;
  const owned = runtime.alertStore ? undefined : createAlertStore(runtime.config);
  const store = runtime.alertStore ?? (owned as AlertStore);
  const notify = startNotifyStage({ bus: runtime.bus, store, notifiers, log: log.child({ stage: 'notify' }) });
  log.info(`notify stage: ${notifiers.map((n) => `${n.name} (${n.type})`).join(', ')}`);
  const failed = notify.done.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => {
      throw error instanceof EcouteError
        ? new EcouteError(error.code, `the notify stage stopped: ${error.message}`, { cause: error, retriable: error.retriable })
        : new EcouteError('UNEXPECTED', `the notify stage stopped: ${errorMessage(error)}`, { cause: error });
    },
  ) as Promise<never>;
  failed.catch(() => undefined);
  return {
    failed,
    async stop() {
      await notify.close();
      const c = notify.counts;
      for (const [name, n] of Object.entries(c)) log.info(`notify ${name}: ${n.sent} sent, ${n.failed} failed tries, ${n.deadLettered} dead-lettered, ${n.skipped} skipped`);
      await owned?.close();
    },
  };
}
