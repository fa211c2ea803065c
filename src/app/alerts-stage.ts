// What the alerts stage is given: the mention store, the alert store of the config (opened here,
// closed with the stages) and the index stage's group, whose progress gates its commits.
import type { Logger } from '../core/log.js';
import { EcouteError } from '../core/errors.js';
import { startAlertsStage } from '../alerts/stage.js';
import { openAlertStore } from '../alerts/store/index.js';
import type { Consumer } from '../streams/bus/types.js';
import { INDEX_GROUP } from '../streams/index-stage.js';
import type { StageRuntime } from './stages.js';

export function alertsStarter(runtime: StageRuntime, log: Logger): { start: (onError: (error: unknown) => void) => Consumer; close: () => Promise<void> } {
  // The runtime's alert store (ecoute run), or one of its own (a worker), closed with the stage.
  const owned = runtime.alertStore === undefined;
  const opened = runtime.alertStore ? Promise.resolve(runtime.alertStore) : openAlertStore(runtime.config);
  opened.catch(() => undefined);
  return {
    start: (onError) => {
      if (!runtime.store) throw new EcouteError('INTERNAL_INVARIANT', 'the alerts stage needs the mention store');
      return startAlertsStage({
        bus: runtime.bus,
        mentions: runtime.store,
        alerts: opened,
        brands: runtime.config.brands,
        log: log.child({ stage: 'alerts' }),
        onError,
        waitForGroup: INDEX_GROUP,
      });
    },
    close: async () => {
      if (owned) await (await opened.catch(() => undefined))?.close();
    },
  };
}
