// Private Kafka and Elasticsearch for the fault tests: their own ports, folders and pids, so a test
// can SIGKILL, SIGTERM, SIGSTOP/SIGCONT, stop and restart them on the same data without touching the
// shared instances on 19092/19200 that every other test uses.
//
//   const kafka = await privateKafka('a');          // 127.0.0.1:29092 (controller 29093)
//   const es = await privateElasticsearch('a', { 'thread_pool.write.queue_size': 2 }); // :29200
//   kafka.signal('SIGSTOP'); … kafka.signal('SIGCONT'); await es.stop(); await es.start();
//
// Block 'a' is 29xxx, block 'b' 39xxx (for a second file running in parallel). Downloads come from
// the same cache as the shared services (~/.cache/ecoute), which `.ci/run` fills first.
import { join } from 'node:path';
import {
  type ElasticsearchInstance,
  type KafkaInstance,
  elasticsearchDown,
  elasticsearchPid,
  elasticsearchUp,
  kafkaDown,
  kafkaPid,
  kafkaUp,
  stateDir,
} from '../../../src/services/index.js';

export type Block = 'a' | 'b';
const BASE: Record<Block, number> = { a: 29000, b: 39000 };
/** The shared instances: a fault test must never signal them. */
const SHARED_PORTS = new Set([19092, 19093, 19200, 19300]);

const log = (line: string) => console.error(`[faults] ${line}`);

export interface PrivateService {
  /** The broker list (Kafka) or base URL (Elasticsearch) to put in a config. */
  readonly endpoint: string;
  /** The live server process, or undefined while it is stopped. */
  pid(): number | undefined;
  /** Sends `signal` to the server process (throws when it is not running). */
  signal(signal: NodeJS.Signals): void;
  /** Stops it (SIGTERM, waits until the process is gone), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same data, resolved once it answers. */
  start(): Promise<void>;
  /** Stops it for good (SIGCONT first, in case a test left it paused). */
  close(): Promise<void>;
}

function guard(ports: number[]): void {
  for (const port of ports) if (SHARED_PORTS.has(port)) throw new Error(`refusing to run a fault test against the shared port ${port}`);
}

function control(name: string, pid: () => number | undefined, up: () => Promise<unknown>, down: () => Promise<unknown>, endpoint: string): PrivateService {
  const service: PrivateService = {
    endpoint,
    pid,
    signal(signal) {
      const p = pid();
      if (p === undefined) throw new Error(`${name} is not running`);
      process.kill(p, signal);
    },
    async stop() {
      await down();
    },
    async start() {
      await up();
    },
    async close() {
      const p = pid();
      if (p !== undefined) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {
          /* gone */
        }
      }
      await down();
    },
  };
  return service;
}

/** A private Kafka broker, started on a fresh data dir. */
export async function privateKafka(block: Block = 'a'): Promise<PrivateService> {
  const base = BASE[block];
  const instance: KafkaInstance = { port: base + 92, controllerPort: base + 93, root: join(stateDir(), 'faults', `kafka-${base + 92}`) };
  guard([instance.port, instance.controllerPort]);
  // A broker left over by a crashed earlier run of this file: stopped first, then a fresh start.
  await kafkaDown({ instance, log });
  await kafkaUp({ instance, fresh: true, log });
  return control(
    `kafka ${instance.port}`,
    () => kafkaPid(instance),
    () => kafkaUp({ instance, log }),
    () => kafkaDown({ instance, log }),
    `127.0.0.1:${instance.port}`,
  );
}

/** A private Elasticsearch node with extra settings, started on a fresh data dir. */
export async function privateElasticsearch(block: Block = 'a', settings: ElasticsearchInstance['settings'] = {}): Promise<PrivateService> {
  const base = BASE[block];
  const instance: ElasticsearchInstance = {
    port: base + 200,
    transportPort: base + 300,
    root: join(stateDir(), 'faults', `elasticsearch-${base + 200}`),
    settings,
  };
  guard([instance.port, instance.transportPort]);
  await elasticsearchDown({ instance, log });
  await elasticsearchUp({ instance, fresh: true, log });
  return control(
    `elasticsearch ${instance.port}`,
    () => elasticsearchPid(instance),
    () => elasticsearchUp({ instance, log }),
    () => elasticsearchDown({ instance, log }),
    `http://127.0.0.1:${instance.port}`,
  );
}
