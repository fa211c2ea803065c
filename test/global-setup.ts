// npm test brings Kafka and Elasticsearch up on demand (test/helpers/services.ts) and leaves them
// for the other test files; here, at the very end, it takes down what the run itself started.
import { servicesDown, servicesStatus, type ServiceName } from '../src/services/index.js';

export default async function setup(): Promise<() => Promise<void>> {
  const before = await servicesStatus().catch(() => []);
  const runningBefore = new Set<ServiceName>(before.filter((s) => s.running).map((s) => s.name));
  return async () => {
    if (process.env.KAFKA_BROKERS && process.env.ELASTICSEARCH_URL) return;
    const startedHere = (['kafka', 'elasticsearch'] as const).filter((name) => !runningBefore.has(name));
    if (startedHere.length > 0) await servicesDown({ only: [...startedHere] }).catch(() => undefined);
  };
}
