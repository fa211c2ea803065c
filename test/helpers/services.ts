// Real Kafka and Elasticsearch for the tests that need them (contract suites, end-to-end tests).
//
//   const brokers = await requireKafka();        // '127.0.0.1:19092' (comma-separated list)
//   const url = await requireElasticsearch();     // 'http://127.0.0.1:19200'
//   await ensureServices(['kafka', 'elasticsearch']) // ours only (test/e2e/services.test.ts)
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
export async function requireKafka(): Promise<string | undefined> {
  return process.env.KAFKA_BROKERS || (await ensureServices(['kafka']))?.kafka;
}

/** Elasticsearch base URL, or undefined when the caller must skip. */
export async function requireElasticsearch(): Promise<string | undefined> {
  return process.env.ELASTICSEARCH_URL || (await ensureServices(['elasticsearch']))?.elasticsearch;
}

/**
 * The servers of `ecoute services` themselves (KAFKA_BROKERS and ELASTICSEARCH_URL are not looked
 * at), brought up when they do not answer; several at once start side by side. Undefined when the
 * caller must skip (Java or Maven missing, CI not set).
 */
export async function ensureServices(names: ServiceName[]): Promise<Partial<Record<ServiceName, string>> | undefined> {
  const fresh = names.filter((n) => !pending.has(n));
  if (fresh.length > 0) {
    const together = ensure(fresh);
    for (const n of fresh) pending.set(n, together.then((r) => r[n]));
  }
  const endpoints = await Promise.all(names.map((n) => pending.get(n) as Promise<string | undefined>));
  if (endpoints.some((e) => e === undefined)) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, endpoints[i]]));
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

/** Deletes every topic and consumer group of a test's Kafka prefix (its afterAll clean-up). */
export async function deleteKafkaPrefix(brokers: string, prefix: string): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'ecoute-test-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
