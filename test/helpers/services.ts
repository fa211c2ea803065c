// Real Kafka and Elasticsearch for the tests that need them (contract suites, end-to-end tests).
//
//   const brokers = await requireKafka();        // '127.0.0.1:19092' (comma-separated list)
//   const url = await requireElasticsearch();     // 'http://127.0.0.1:19200'
//
// 1. KAFKA_BROKERS / ELASTICSEARCH_URL, when set, point the tests at existing servers (used as is).
// 2. Otherwise the servers of `ecoute services up` are used when they answer, and brought up (the
//    same code, idempotent and locked across parallel test files) when they do not. They are left
//    running for the other test files; `npm run services:down` (or `.ci/run`) stops them.
// 3. Only when they cannot be brought up because Java or Maven is missing: with CI set, this throws
//    (the test fails; real-service tests never skip in CI); without CI, it resolves undefined and
//    the caller skips with the message printed here. Any other failure to start them throws.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ELASTICSEARCH_URL, KAFKA_BROKER, type ServiceName, servicesStatus, servicesUp } from '../../src/services/index.js';
import { findJavaHome } from '../../src/services/common.js';

const ENV: Record<ServiceName, string> = { kafka: 'KAFKA_BROKERS', elasticsearch: 'ELASTICSEARCH_URL' };
const ENDPOINT: Record<ServiceName, string> = { kafka: KAFKA_BROKER, elasticsearch: ELASTICSEARCH_URL };

const pending = new Map<ServiceName, Promise<string | undefined>>();

/** Kafka bootstrap brokers ("host:port[,host:port]"), or undefined when the caller must skip. */
export function requireKafka(): Promise<string | undefined> {
  return requireService('kafka');
}

/** Elasticsearch base URL, or undefined when the caller must skip. */
export function requireElasticsearch(): Promise<string | undefined> {
  return requireService('elasticsearch');
}

/** Both (or the named) services at once: one `servicesUp` call starts them side by side. */
export async function requireServices(names: ServiceName[] = ['kafka', 'elasticsearch']): Promise<Partial<Record<ServiceName, string>> | undefined> {
  const missing = names.filter((n) => !pending.has(n) && !process.env[ENV[n]]);
  if (missing.length > 1) {
    // Bring the missing ones up together, then let requireService read the outcome per service.
    const together = ensure(missing);
    for (const n of missing) pending.set(n, together.then((r) => r[n]));
  }
  const endpoints = await Promise.all(names.map((n) => requireService(n)));
  if (endpoints.some((e) => e === undefined)) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, endpoints[i]]));
}

function requireService(name: ServiceName): Promise<string | undefined> {
  const fromEnv = process.env[ENV[name]];
  if (fromEnv) return Promise.resolve(fromEnv);
  let p = pending.get(name);
  if (!p) {
    p = ensure([name]).then((r) => r[name]);
    pending.set(name, p);
  }
  return p;
}

async function ensure(names: ServiceName[]): Promise<Partial<Record<ServiceName, string>>> {
  const result: Partial<Record<ServiceName, string>> = {};
  const statuses = await servicesStatus({ only: names });
  const down = statuses.filter((s) => !s.running).map((s) => s.name);
  for (const n of names) if (!down.includes(n)) result[n] = ENDPOINT[n];
  if (down.length === 0) return result;
  try {
    await servicesUp({ only: down, log: (line) => console.error(`[services] ${line}`) });
    for (const n of down) result[n] = ENDPOINT[n];
    return result;
  } catch (error) {
    const message = (error as Error).message;
    const lacking = down.flatMap((n) => missingTools(n));
    if (lacking.length === 0) throw error; // the tools are there: a real failure, never a skip
    const why = `${down.join(' and ')} not reachable and cannot be started here: ${[...new Set(lacking)].join(', ')} missing (${message.split('\n')[0]})`;
    const how = `start them with \`npm run services:up\` (needs Java 17+, Java 21+ for Elasticsearch, and Maven), or point the tests at running servers with ${down.map((n) => `${ENV[n]}=…`).join(' ')}`;
    if (process.env.CI) throw new Error(`${why}; with CI set this is a failure: ${how}`);
    console.warn(`[services] SKIPPING the tests that need ${down.join(' and ')}: ${why}. To run them, ${how}.`);
    return result;
  }
}

/** What `servicesUp` needs to start `name` that this machine lacks. */
function missingTools(name: ServiceName): string[] {
  const lacking: string[] = [];
  if (!(process.env.ECOUTE_MVN || onPath('mvn'))) lacking.push('Maven (mvn)');
  if (name === 'kafka' && !(findJavaHome(17, [process.env.ECOUTE_KAFKA_JAVA_HOME, process.env.JAVA_HOME]) || onPath('java'))) lacking.push('Java 17+');
  if (name === 'elasticsearch' && !findJavaHome(21, [process.env.ES_JAVA_HOME, process.env.ECOUTE_ES_JAVA_HOME, process.env.JAVA_HOME])) lacking.push('Java 21+');
  return lacking;
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
