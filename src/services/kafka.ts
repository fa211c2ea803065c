// A real single-node Apache Kafka (KRaft combined mode) on 127.0.0.1:19092, from Maven Central jars,
// run as a plain JVM process: no Docker, no tarball, no ZooKeeper.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  KAFKA_BROKER,
  type Log,
  type ServiceStatus,
  cacheDir,
  findJavaHome,
  findPom,
  freshLogFd,
  isAlive,
  javaMajor,
  logWatcher,
  maven,
  mkdirp,
  portOpen,
  processMatches,
  readPid,
  run,
  seconds,
  sleep,
  stateDir,
  stopProcess,
  tailFile,
} from './common.js';
import { EcouteError } from '../core/errors.js';

/**
 * Newest Kafka on Central; kafkajs 2.2.4 talks to it (verified: admin createTopics, idempotent
 * produce, consumer group fetch). The versions kafkajs negotiates are all above the ones Kafka 4.0
 * removed (KIP-896).
 */
export const KAFKA_VERSION = process.env.ECOUTE_KAFKA_VERSION || '4.3.1';
export const KAFKA_HOST = '127.0.0.1';
export const KAFKA_PORT = 19092;
/** The KRaft controller listener; clients must never be pointed at it. */
export const KAFKA_CONTROLLER_PORT = 19093;

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;
const MAIN_CLASS = 'kafka.Kafka';

/**
 * One broker: its ports and the folder holding its data, config, log and pid file. The default is
 * the shared broker of `ecoute services up` (19092); fault tests start private ones elsewhere
 * (their own ports and folder) so they can kill, stop and pause them without touching the shared one.
 */
export interface KafkaInstance {
  port: number;
  controllerPort: number;
  /** data/, config/, logs/kafka.out, kafka.pid */
  root: string;
}

export function defaultKafka(): KafkaInstance {
  return { port: KAFKA_PORT, controllerPort: KAFKA_CONTROLLER_PORT, root: path.join(stateDir(), 'kafka') };
}

function dirs(instance: KafkaInstance = defaultKafka()) {
  const root = instance.root;
  return {
    root,
    data: path.join(root, 'data'),
    config: path.join(root, 'config'),
    properties: path.join(root, 'config', 'server.properties'),
    log4j: path.join(root, 'config', 'log4j2.properties'),
    log: path.join(root, 'logs', 'kafka.out'),
    pidFile: path.join(root, 'kafka.pid'),
  };
}

export function kafkaLibs(): string {
  return path.join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
}

/** Copies the broker's runtime classpath from Maven Central into the cache, once. */
export async function ensureKafkaDownloaded(log?: Log): Promise<string> {
  const libs = kafkaLibs();
  if (fs.existsSync(path.join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) return libs;
  const tmp = `${libs}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  log?.(`kafka: downloading kafka_2.13 ${KAFKA_VERSION} and its dependencies from Maven Central`);
  await maven(findPom('kafka'), [
    `-Dkafka.version=${KAFKA_VERSION}`,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
  ], log);
  fs.rmSync(libs, { recursive: true, force: true });
  fs.renameSync(tmp, libs); // atomic: a half-finished download is never taken for a cached one
  log?.(`kafka: downloaded in ${seconds(Date.now() - started)} to ${libs}`);
  return libs;
}

function javaBin(): string {
  // Kafka 4.x needs Java 17+: ECOUTE_KAFKA_JAVA_HOME or JAVA_HOME when recent enough, else the
  // `java` on PATH (17 on our machines), else the newest JDK under /usr/lib/jvm.
  for (const home of [process.env.ECOUTE_KAFKA_JAVA_HOME, process.env.JAVA_HOME]) {
    if (home && (javaMajor(home) ?? 0) >= 17) return path.join(home, 'bin', 'java');
  }
  if (onPath('java')) return 'java';
  const any = findJavaHome(17, []);
  return any ? path.join(any, 'bin', 'java') : 'java';
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}

function serverProperties(dataDir: string, instance: KafkaInstance): string {
  return `# Written by src/services/kafka.ts at every start: edit that file, not this one.
# Single-node KRaft, broker and controller in one process.
process.roles=broker,controller
node.id=1
# Static voters: storage is then formatted without --standalone (4.x rejects that combination).
controller.quorum.voters=1@${KAFKA_HOST}:${instance.controllerPort}
listeners=PLAINTEXT://${KAFKA_HOST}:${instance.port},CONTROLLER://${KAFKA_HOST}:${instance.controllerPort}
advertised.listeners=PLAINTEXT://${KAFKA_HOST}:${instance.port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
# One broker: every internal topic with replication factor 1, else consumers loop on
# "group coordinator not available".
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join groups constantly: no 3 s wait for more members.
group.initial.rebalance.delay.ms=0
# Default 128 MiB, out of a 512 MiB heap; must stay above 1 MiB.
log.cleaner.dedupe.buffer.size=8388608
`;
}

// Kafka 4.x logs through slf4j 1.7 → log4j2 (log4j-slf4j-impl from the pom). The properties format
// needs no extra jar. Everything goes to stdout, which the spawn redirects to logs/kafka.out.
const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = WARN
`;

/** A Kafka cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Sends one Kafka request (header v1, non-flexible versions only) and returns the response body. */
export function kafkaRequest(apiKey: number, apiVersion: number, body: Buffer, opts: { host?: string; port?: number; timeoutMs?: number } = {}): Promise<Buffer> {
  const host = opts.host ?? KAFKA_HOST;
  const port = opts.port ?? KAFKA_PORT;
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  const clientId = Buffer.from('ecoute-services');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const payload = Buffer.concat([header, clientId, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(opts.timeoutMs ?? 3000, () => fail(new EcouteError('SERVICE_UNREACHABLE', `no answer from ${host}:${port}`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write(Buffer.concat([size, payload])));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const length = received.readInt32BE(0);
      if (received.length < 4 + length) return;
      socket.destroy();
      if (received.readInt32BE(4) !== correlationId) return reject(new EcouteError('SERVICE_UNREACHABLE', 'Kafka answer with a wrong correlation id'));
      resolve(received.subarray(8, 4 + length));
    });
    socket.once('end', () => fail(new EcouteError('SERVICE_UNREACHABLE', `${host}:${port} closed the connection without a Kafka answer`)));
  });
}

export interface ApiVersions {
  [apiKey: number]: { min: number; max: number };
}

/** ApiVersions v0 by hand: proves a Kafka broker (not just an open port) answers. */
export async function kafkaApiVersions(opts: { host?: string; port?: number; timeoutMs?: number } = {}): Promise<ApiVersions> {
  const body = await kafkaRequest(18, 0, Buffer.alloc(0), opts);
  const errorCode = body.readInt16BE(0);
  if (errorCode !== 0) throw new EcouteError('SERVICE_UNREACHABLE', `ApiVersions error code ${errorCode}`);
  const count = body.readInt32BE(2);
  const apis: ApiVersions = {};
  for (let i = 0, at = 6; i < count; i++, at += 6) apis[body.readInt16BE(at)] = { min: body.readInt16BE(at + 2), max: body.readInt16BE(at + 4) };
  return apis;
}

export interface KafkaMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number }[];
}

/** Metadata v4 (all topics' list skipped): the brokers and cluster id, as a client would see them. */
export async function kafkaMetadata(opts: { host?: string; port?: number; timeoutMs?: number } = {}): Promise<KafkaMetadata> {
  const body = Buffer.alloc(5);
  body.writeInt32BE(0, 0); // empty topic list: brokers only
  body.writeInt8(0, 4); // allow_auto_topic_creation = false
  const res = await kafkaRequest(3, 4, body, opts);
  let at = 4; // throttle_time_ms
  const readString = (): string | null => {
    const len = res.readInt16BE(at);
    at += 2;
    if (len < 0) return null;
    const s = res.toString('utf8', at, at + len);
    at += len;
    return s;
  };
  const brokerCount = res.readInt32BE(at);
  at += 4;
  const brokers: KafkaMetadata['brokers'] = [];
  for (let i = 0; i < brokerCount; i++) {
    const nodeId = res.readInt32BE(at);
    at += 4;
    const host = readString() ?? '';
    const port = res.readInt32BE(at);
    at += 4;
    readString(); // rack
    brokers.push({ nodeId, host, port });
  }
  const clusterId = readString();
  const controllerId = res.readInt32BE(at);
  return { clusterId, controllerId, brokers };
}

/** A broker answers on the broker listener: ApiVersions lists Produce (0) and Metadata (3). */
async function brokerAnswers(instance: KafkaInstance = defaultKafka()): Promise<boolean> {
  try {
    const apis = await kafkaApiVersions({ port: instance.port, timeoutMs: 2000 });
    return apis[0] !== undefined && apis[3] !== undefined;
  } catch {
    return false;
  }
}

/** The pid of the broker process started for `instance` (pid file, checked against /proc), if alive. */
export function kafkaPid(instance: KafkaInstance = defaultKafka()): number | undefined {
  const d = dirs(instance);
  const pid = readPid(d.pidFile);
  return pid !== undefined && processMatches(pid, d.properties) ? pid : undefined;
}

export async function kafkaStatus(instance: KafkaInstance = defaultKafka()): Promise<ServiceStatus> {
  const d = dirs(instance);
  const pid = kafkaPid(instance);
  const running = await brokerAnswers(instance);
  const endpoint = instance.port === KAFKA_PORT ? KAFKA_BROKER : `${KAFKA_HOST}:${instance.port}`;
  const status: ServiceStatus = { name: 'kafka', running, startedByUs: pid !== undefined, endpoint, dataDir: d.data };
  if (pid !== undefined) status.pid = pid;
  if (running && pid === undefined) status.detail = 'a Kafka broker not started by ecoute answers on this port';
  else if (!running && pid !== undefined) status.detail = `process ${pid} is alive but the broker does not answer (starting, or stuck: see ${d.log})`;
  else if (!running && (await portOpen(KAFKA_HOST, instance.port))) status.detail = `port ${instance.port} is taken by something that is not a Kafka broker`;
  else if (running) status.detail = `Kafka ${KAFKA_VERSION}, log ${d.log}`;
  return status;
}

export async function kafkaUp(opts: { log?: Log; fresh?: boolean; instance?: KafkaInstance } = {}): Promise<ServiceStatus> {
  const log = opts.log;
  const instance = opts.instance ?? defaultKafka();
  const d = dirs(instance);
  const existing = kafkaPid(instance);
  if (existing !== undefined && !opts.fresh) {
    // Ours and alive: maybe still starting (another caller's start, or a crashed readiness wait).
    const ready = await waitReady(instance, existing, d.log, 30_000, false);
    if (ready.ok) return kafkaStatus(instance);
    log?.(`kafka: process ${existing} does not answer, restarting it`);
    await stopProcess(existing, STOP_TIMEOUT_MS, log, 'kafka');
  } else if (existing !== undefined) {
    await stopProcess(existing, STOP_TIMEOUT_MS, log, 'kafka');
  } else if (await brokerAnswers(instance)) {
    log?.(`kafka: a broker already answers on ${KAFKA_HOST}:${instance.port}, using it`);
    return kafkaStatus(instance);
  }
  for (const port of [instance.port, instance.controllerPort]) {
    if (await portOpen(KAFKA_HOST, port)) throw new EcouteError('SERVICE_PORT_TAKEN', `kafka: port ${port} on ${KAFKA_HOST} is taken by another program`);
  }
  fs.rmSync(d.pidFile, { force: true });

  const libs = await ensureKafkaDownloaded(log);
  if (opts.fresh) fs.rmSync(d.data, { recursive: true, force: true });
  const first = await startOnce(instance, libs, log);
  if (first.ok) return kafkaStatus(instance);
  // KRaft quorum formation can time out on a loaded 2-core machine, and a data dir formatted for
  // another cluster id, node id or version never starts: retry once on a fresh data dir. Not when
  // the dir was fresh already and the process simply died (a retry would die the same way).
  if (first.formatted && !first.timedOut) throw new EcouteError('SERVICE_START_FAILED', `kafka: did not start: ${first.error}`);
  log?.(`kafka: ${first.error}`);
  const aside = `${d.data}.failed-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (fs.existsSync(d.data)) fs.renameSync(d.data, aside);
  log?.(`kafka: retrying once with a fresh data dir (the previous one is kept in ${aside})`);
  const second = await startOnce(instance, libs, log);
  if (second.ok) return kafkaStatus(instance);
  throw new EcouteError('SERVICE_START_FAILED', `kafka: did not start: ${second.error}`);
}

type StartResult = { ok: true } | { ok: false; error: string; timedOut: boolean; formatted: boolean };

async function startOnce(instance: KafkaInstance, libs: string, log?: Log): Promise<StartResult> {
  const d = dirs(instance);
  mkdirp(d.config);
  fs.writeFileSync(d.properties, serverProperties(d.data, instance));
  fs.writeFileSync(d.log4j, LOG4J2);
  const java = javaBin();
  const classpath = `${libs}/*`;

  const formatted = !fs.existsSync(path.join(d.data, 'meta.properties'));
  if (formatted) {
    mkdirp(d.data);
    const clusterId = newClusterId();
    log?.(`kafka: formatting ${d.data} (cluster id ${clusterId})`);
    await run(java, ['-Xmx256m', `-Dlog4j2.configurationFile=${d.log4j}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', d.properties, '--ignore-formatted']);
  }

  const started = Date.now();
  const out = freshLogFd(d.log);
  const child = spawn(
    java,
    [
      '-Xms512m',
      '-Xmx512m',
      '-server',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-XX:MaxInlineLevel=15',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${d.log4j}`,
      '-cp',
      classpath,
      MAIN_CLASS,
      d.properties,
    ],
    { cwd: d.root, detached: true, stdio: ['ignore', out, out], env: process.env },
  );
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) return { ok: false, error: `could not spawn ${java}`, timedOut: false, formatted };
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.once('error', (err) => (exited = err.message));
  child.unref();
  fs.writeFileSync(d.pidFile, `${pid}\n`);
  log?.(`kafka: started ${MAIN_CLASS} (pid ${pid}), waiting for the broker on ${KAFKA_HOST}:${instance.port}`);

  const ready = await waitReady(instance, pid, d.log, START_TIMEOUT_MS, true, () => exited);
  if (ready.ok) {
    log?.(`kafka: ready in ${seconds(Date.now() - started)} (pid ${pid})`);
    return { ok: true };
  }
  if (isAlive(pid)) await stopProcess(pid, 15_000, log, 'kafka');
  fs.rmSync(d.pidFile, { force: true });
  const tail = tailFile(d.log, 30, 500);
  return { ok: false, error: `${ready.error}; last lines of ${d.log}:\n${tail}`, timedOut: ready.timedOut, formatted };
}

/** Ready = "Kafka Server started" in this run's log (when `checkLog`) and ApiVersions answered. */
async function waitReady(
  instance: KafkaInstance,
  pid: number,
  logFile: string,
  timeoutMs: number,
  checkLog: boolean,
  exited: () => string | undefined = () => undefined,
): Promise<{ ok: true } | { ok: false; error: string; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let logSeen = !checkLog;
  const watch = logWatcher(logFile, 'Kafka Server started');
  while (Date.now() < deadline) {
    const gone = exited() ?? (isAlive(pid) ? undefined : 'exited');
    if (gone) return { ok: false, error: `the broker process ${pid} ${gone} before it was ready`, timedOut: false };
    if (!logSeen) logSeen = watch();
    if (logSeen && (await brokerAnswers(instance))) return { ok: true };
    await sleep(250);
  }
  return { ok: false, error: `the broker was not ready after ${seconds(timeoutMs)}`, timedOut: true };
}

export async function kafkaDown(opts: { log?: Log; instance?: KafkaInstance } = {}): Promise<ServiceStatus> {
  const instance = opts.instance ?? defaultKafka();
  const d = dirs(instance);
  const pid = kafkaPid(instance);
  if (pid !== undefined) {
    const started = Date.now();
    opts.log?.(`kafka: stopping pid ${pid}`);
    await stopProcess(pid, STOP_TIMEOUT_MS, opts.log, 'kafka');
    opts.log?.(`kafka: stopped in ${seconds(Date.now() - started)}`);
  }
  fs.rmSync(d.pidFile, { force: true });
  const status = await kafkaStatus(instance);
  if (status.running) status.detail = 'still answering: not started by ecoute, left running';
  return status;
}
