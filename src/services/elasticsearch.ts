// A real single-node Elasticsearch on 127.0.0.1:19200, from the integ-test-zip on Maven Central,
// run as a plain JVM process under a system user of its own (it refuses to run as root).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ELASTICSEARCH_URL,
  type Log,
  type ServiceStatus,
  cacheDir,
  chownTree,
  findJavaHome,
  findPom,
  freshLogFd,
  idOf,
  isAlive,
  isRoot,
  maven,
  mkdirp,
  portOpen,
  processMatches,
  readPid,
  seconds,
  sleep,
  stateDir,
  stopProcess,
  tailFile,
} from './common.js';
import { EcouteError } from '../core/errors.js';

/**
 * The newest 9.x whose zip Central serves here (9.3.0 and 9.2.1 are not there, whatever its web
 * page says). Pair it with @elastic/elasticsearch 9.2.x: a client's minor must not exceed the server's.
 */
export const ES_VERSION = process.env.ECOUTE_ES_VERSION || '9.2.0';
export const ES_HOST = '127.0.0.1';
export const ES_PORT = 19200;
export const ES_TRANSPORT_PORT = 19300;
/** The system user Elasticsearch runs as when we are root. */
export const ES_USER = 'ecoute-es';

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * One node: its ports, the folder holding its home, config, data, logs and pid file, and extra
 * elasticsearch.yml settings. The default is the shared node of `ecoute services up` (19200); fault
 * tests start private ones elsewhere (e.g. with a tiny write queue) to stop, kill and pause.
 */
export interface ElasticsearchInstance {
  port: number;
  transportPort: number;
  root: string;
  /** Extra elasticsearch.yml lines, e.g. { 'thread_pool.write.queue_size': 2 }. */
  settings?: Record<string, string | number | boolean>;
  /** How long a start may take (default 180 s; a loaded machine needs more). */
  startTimeoutMs?: number;
}

export function defaultElasticsearch(): ElasticsearchInstance {
  return { port: ES_PORT, transportPort: ES_TRANSPORT_PORT, root: path.join(stateDir(), 'elasticsearch') };
}

function urlOf(instance: ElasticsearchInstance): string {
  return instance.port === ES_PORT ? ELASTICSEARCH_URL : `http://${ES_HOST}:${instance.port}`;
}

function dirs(instance: ElasticsearchInstance = defaultElasticsearch()) {
  const root = instance.root;
  return {
    instance,
    root,
    home: path.join(root, `home-${ES_VERSION}`),
    config: path.join(root, 'config'),
    data: path.join(root, 'data'),
    logs: path.join(root, 'logs'),
    tmp: path.join(root, 'tmp'),
    run: path.join(root, 'run'),
    pidFile: path.join(root, 'run', 'elasticsearch.pid'),
    launcherLog: path.join(root, 'logs', 'launcher.out'),
    serverLog: path.join(root, 'logs', 'ecoute.log'), // <cluster.name>.log
  };
}

export function esDistribution(): string {
  return path.join(cacheDir(), `elasticsearch-${ES_VERSION}`);
}

/** Unpacks the zip from Maven Central into the cache, once. */
export async function ensureElasticsearchDownloaded(log?: Log): Promise<string> {
  const dist = esDistribution();
  if (fs.existsSync(path.join(dist, 'bin', 'elasticsearch'))) return dist;
  const tmp = `${dist}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  log?.(`elasticsearch: downloading the ${ES_VERSION} integ-test-zip from Maven Central`);
  await maven(findPom('elasticsearch'), [`-Des.version=${ES_VERSION}`, `-Des.outputDirectory=${tmp}`, 'dependency:unpack'], log);
  const inner = path.join(tmp, `elasticsearch-${ES_VERSION}`);
  if (!fs.existsSync(path.join(inner, 'bin', 'elasticsearch'))) throw new EcouteError('SERVICE_SETUP', `elasticsearch: the zip did not unpack to ${inner}`);
  // The unpacker may drop the zip's file modes: the launcher scripts must be executable.
  for (const f of fs.readdirSync(path.join(inner, 'bin'))) fs.chmodSync(path.join(inner, 'bin', f), 0o755);
  fs.rmSync(dist, { recursive: true, force: true });
  fs.renameSync(inner, dist); // atomic: a half-finished unpack is never taken for a cached one
  fs.rmSync(tmp, { recursive: true, force: true });
  log?.(`elasticsearch: downloaded in ${seconds(Date.now() - started)} to ${dist}`);
  return dist;
}

/** Java 21+ (9.x needs it; the machine's default is 17): ES_JAVA_HOME, else a JDK under /usr/lib/jvm. */
function esJavaHome(): string {
  const home = findJavaHome(21, [process.env.ES_JAVA_HOME, process.env.ECOUTE_ES_JAVA_HOME, process.env.JAVA_HOME]);
  if (!home) throw new EcouteError('SERVICE_SETUP', 'elasticsearch: needs Java 21 or newer: set ES_JAVA_HOME, or install a JDK under /usr/lib/jvm (e.g. temurin-25-jdk)');
  return home;
}

/** The user to run as: ourselves, unless we are root (then a system user, created once). */
function runAs(log?: Log, home = dirs().root): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  let ids = idOf(ES_USER);
  if (!ids) {
    log?.(`elasticsearch: creating system user ${ES_USER} (Elasticsearch refuses to run as root)`);
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', home, '--shell', '/usr/sbin/nologin', ES_USER], { stdio: 'pipe' });
    ids = idOf(ES_USER);
    if (!ids) throw new EcouteError('SERVICE_SETUP', `elasticsearch: could not create user ${ES_USER}`);
  }
  return ids;
}

function elasticsearchYml(d: ReturnType<typeof dirs>): string {
  return `# Written by src/services/elasticsearch.ts at every start: edit that file, not this one.
cluster.name: ecoute
node.name: ecoute-1
discovery.type: single-node
network.host: ${ES_HOST}
http.port: ${d.instance.port}
transport.port: ${d.instance.transportPort}
path.data: ${d.data}
path.logs: ${d.logs}
# The security module is in the zip and on by default.
xpack.security.enabled: false
# A nearly full disk on a dev machine or CI must not turn indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
# Tests delete indices by wildcard.
action.destructive_requires_name: false
# Settings of modules absent from this zip (xpack.ml.*, ingest.geoip.*) are fatal: none here.
${Object.entries(d.instance.settings ?? {}).map(([k, v]) => `${k}: ${v}\n`).join('')}`;
}

/**
 * The heap: a quarter of the machine's memory, from 512 MB to 4 GB (ECOUTE_ES_HEAP_MB sets it), not
 * Elasticsearch's own default of half the RAM on a developer's machine. es18 (issue 13): the fixed
 * 512 MB it had before held a 5 MB request cache and little room for global ordinals and
 * aggregation buffers, so on a million mentions the report's reads were computed again and again
 * (814 request-cache evictions in one bench:search run); with 4 GB the report's build on the same
 * index fell from 19.4 to 9.6 s (bench/report.ts, the same load).
 */
export function esHeapMb(env: NodeJS.ProcessEnv = process.env, total = os.totalmem()): number {
  const set = env.ECOUTE_ES_HEAP_MB;
  if (set !== undefined && set !== '') {
    const mb = Number(set);
    if (!Number.isInteger(mb) || mb < 256 || mb > 31_744) throw new EcouteError('SERVICE_SETUP', `ECOUTE_ES_HEAP_MB: a whole number of megabytes from 256 to 31744 (compressed pointers end near 32 GB), got ${JSON.stringify(set)}`);
    return mb;
  }
  return Math.max(512, Math.min(4096, Math.floor(total / 4 / 1048576 / 256) * 256));
}

const JVM_OPTIONS = (logs: string, heapMb: number) => `# Written by src/services/elasticsearch.ts (heap: esHeapMb).
-Xms${heapMb}m
-Xmx${heapMb}m
# The stock jvm.options writes gc.log into the working directory: send it to path.logs instead.
-Xlog:disable
-Xlog:all=warning:stderr:utctime,level,tags
-Xlog:gc*,gc+age=trace,safepoint:file=${logs}/gc.log:utctime,level,pid,tags:filecount=4,filesize=16m
`;

/** Copies the cached distribution to a home the ES user owns (the cache is under /root). */
function prepareHome(d: ReturnType<typeof dirs>, dist: string, owner: { uid: number; gid: number } | undefined, log?: Log): void {
  const marker = path.join(d.home, '.ecoute-complete');
  if (!fs.existsSync(marker)) {
    log?.(`elasticsearch: installing ${dist} into ${d.home}`);
    fs.rmSync(d.home, { recursive: true, force: true });
    fs.cpSync(dist, d.home, { recursive: true });
    fs.writeFileSync(marker, '');
  }
  // Every start (a few hundred files): the user may have been recreated with another uid.
  if (owner) chownTree(d.home, owner.uid, owner.gid);
  for (const dir of [d.config, d.data, d.logs, d.tmp, d.run]) mkdirp(dir);
  // Stock config files (log4j2.properties, jvm.options, …) from the distribution, then ours.
  const alwaysFromDistribution = new Set(['jvm.options', 'jvm.options.d', 'log4j2.properties']);
  for (const entry of fs.readdirSync(path.join(d.home, 'config'))) {
    const target = path.join(d.config, entry);
    if (entry === 'elasticsearch.yml') continue; // ours, below
    if (fs.existsSync(target) && !alwaysFromDistribution.has(entry)) continue; // the node may have changed it
    fs.cpSync(path.join(d.home, 'config', entry), target, { recursive: true });
  }
  mkdirp(path.join(d.config, 'jvm.options.d'));
  fs.writeFileSync(path.join(d.config, 'elasticsearch.yml'), elasticsearchYml(d));
  fs.writeFileSync(path.join(d.config, 'jvm.options.d', 'ecoute.options'), JVM_OPTIONS(d.logs, esHeapMb()));
  for (let dir = d.root; dir !== path.dirname(dir) && dir.startsWith(stateDir()); dir = path.dirname(dir)) fs.chmodSync(dir, 0o755);
  fs.chmodSync(d.root, 0o755);
  if (owner) for (const dir of [d.config, d.data, d.logs, d.tmp, d.run]) chownTree(dir, owner.uid, owner.gid);
}

interface Probe {
  elasticsearch: boolean;
  version?: string;
  health?: string;
}

/**
 * The cluster health, from an Elasticsearch (X-Elastic-Product header), and the node's version.
 * Not `GET /`: the integ-test-zip lacks the module behind it (405, so no client.info()/ping() either).
 */
async function probe(instance: ElasticsearchInstance, waitForYellow = false): Promise<Probe> {
  const ELASTICSEARCH_URL = urlOf(instance);
  try {
    const query = waitForYellow ? '?wait_for_status=yellow&timeout=1s' : '';
    const res = await fetch(`${ELASTICSEARCH_URL}/_cluster/health${query}`, { signal: AbortSignal.timeout(5000) });
    if (res.headers.get('x-elastic-product') !== 'Elasticsearch') {
      await res.body?.cancel();
      return { elasticsearch: false };
    }
    const health = (await res.json()) as { status?: string; timed_out?: boolean };
    const out: Probe = { elasticsearch: true };
    if (res.ok && !health.timed_out && health.status) out.health = health.status;
    const nodes = await fetch(`${ELASTICSEARCH_URL}/_nodes/_local?filter_path=nodes.*.version`, { signal: AbortSignal.timeout(3000) });
    const info = (await nodes.json()) as { nodes?: Record<string, { version?: string }> };
    const version = Object.values(info.nodes ?? {})[0]?.version;
    if (version) out.version = version;
    return out;
  } catch {
    return { elasticsearch: false };
  }
}

const ready = (p: Probe) => p.elasticsearch && (p.health === 'green' || p.health === 'yellow');

/** The pid of the node process started for `instance` (pid file, checked against /proc), if alive. */
export function elasticsearchPid(instance: ElasticsearchInstance = defaultElasticsearch()): number | undefined {
  const d = dirs(instance);
  const pid = readPid(d.pidFile);
  // The server JVM gets its config dir on stdin, but its home is on the command line.
  return pid !== undefined && processMatches(pid, `-Des.path.home=${d.root}/home-`) ? pid : undefined;
}

export async function elasticsearchStatus(instance: ElasticsearchInstance = defaultElasticsearch()): Promise<ServiceStatus> {
  const d = dirs(instance);
  const pid = elasticsearchPid(instance);
  const p = await probe(instance);
  const running = ready(p);
  const status: ServiceStatus = { name: 'elasticsearch', running, startedByUs: pid !== undefined, endpoint: urlOf(instance), dataDir: d.data };
  if (pid !== undefined) status.pid = pid;
  if (running) status.detail = `Elasticsearch ${p.version ?? '?'}, health ${p.health}${pid === undefined ? ', not started by ecoute' : `, logs ${d.logs}`}`;
  else if (p.elasticsearch) status.detail = `Elasticsearch ${p.version ?? '?'} answers but its health is not yet yellow`;
  else if (pid !== undefined) status.detail = `process ${pid} is alive but does not answer (starting, or stuck: see ${d.serverLog})`;
  else if (await portOpen(ES_HOST, instance.port)) status.detail = `port ${instance.port} is taken by something that is not Elasticsearch`;
  return status;
}

export async function elasticsearchUp(opts: { log?: Log; fresh?: boolean; instance?: ElasticsearchInstance } = {}): Promise<ServiceStatus> {
  const log = opts.log;
  const instance = opts.instance ?? defaultElasticsearch();
  const ELASTICSEARCH_URL = urlOf(instance);
  const d = dirs(instance);
  const existing = elasticsearchPid(instance);
  if (existing !== undefined && !opts.fresh) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && isAlive(existing)) {
      if (ready(await probe(instance, true))) return elasticsearchStatus(instance);
      await sleep(500);
    }
    log?.(`elasticsearch: process ${existing} does not answer, restarting it`);
    await stopProcess(existing, STOP_TIMEOUT_MS, log, 'elasticsearch');
  } else if (existing !== undefined) {
    await stopProcess(existing, STOP_TIMEOUT_MS, log, 'elasticsearch');
  } else {
    const p = await probe(instance, true);
    if (ready(p)) {
      log?.(`elasticsearch: ${p.version ?? ''} already answers on ${ELASTICSEARCH_URL}, using it`);
      return elasticsearchStatus(instance);
    }
  }
  for (const port of [instance.port, instance.transportPort]) {
    if (await portOpen(ES_HOST, port)) throw new EcouteError('SERVICE_PORT_TAKEN', `elasticsearch: port ${port} on ${ES_HOST} is taken by another program`);
  }

  const dist = await ensureElasticsearchDownloaded(log);
  const javaHome = esJavaHome();
  const owner = runAs(log);
  if (opts.fresh) fs.rmSync(d.data, { recursive: true, force: true });
  prepareHome(d, dist, owner, log);
  fs.rmSync(d.pidFile, { force: true });

  const started = Date.now();
  const out = freshLogFd(d.launcherLog);
  if (owner) fs.fchownSync(out, owner.uid, owner.gid);
  // `-d`: the launcher starts the server JVM as a daemon, waits until it is up, then exits 0; the
  // server writes its pid to `-p`. A clean environment: none of our JAVA_TOOL_OPTIONS and the like.
  const child = spawn(path.join(d.home, 'bin', 'elasticsearch'), ['-d', '-p', d.pidFile], {
    cwd: d.home,
    detached: true,
    stdio: ['ignore', out, out],
    ...(owner ?? {}),
    env: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: d.root,
      LANG: 'C.UTF-8',
      ES_JAVA_HOME: javaHome,
      ES_PATH_CONF: d.config,
      ES_TMPDIR: d.tmp,
    },
  });
  fs.closeSync(out);
  let launcher: string | undefined;
  let launcherCode: number | null | undefined;
  child.once('exit', (code, signal) => {
    launcherCode = code;
    launcher = `exited with ${code ?? signal}`;
  });
  child.once('error', (err) => (launcher = err.message));
  child.unref();
  log?.(`elasticsearch: launched ${ES_VERSION} as ${owner ? ES_USER : 'the current user'} with ${javaHome}, waiting for ${ELASTICSEARCH_URL}`);

  const startTimeout = instance.startTimeoutMs ?? START_TIMEOUT_MS;
  const deadline = Date.now() + startTimeout;
  let error = `not ready after ${seconds(startTimeout)}`;
  while (Date.now() < deadline) {
    if (launcher !== undefined && launcherCode !== 0) {
      error = `the launcher ${launcher} before the node was ready`;
      break;
    }
    const pid = readPid(d.pidFile);
    if (launcherCode === 0 && pid !== undefined && !isAlive(pid)) {
      error = `the node (pid ${pid}) exited before it was ready`;
      break;
    }
    if (ready(await probe(instance, true))) {
      log?.(`elasticsearch: ready in ${seconds(Date.now() - started)} (pid ${elasticsearchPid(instance) ?? '?'})`);
      return elasticsearchStatus(instance);
    }
    await sleep(500);
  }
  const pid = readPid(d.pidFile);
  if (pid !== undefined && isAlive(pid)) await stopProcess(pid, 30_000, log, 'elasticsearch');
  if (child.pid !== undefined && isAlive(child.pid)) await stopProcess(child.pid, 10_000, log, 'elasticsearch launcher');
  // The launcher repeats the server's log until it daemonizes: its own verdict is in its last lines.
  const tail = `last lines of ${d.serverLog}:\n${tailFile(d.serverLog, 30, 500)}\nlast lines of ${d.launcherLog}:\n${tailFile(d.launcherLog, 4, 500)}`;
  throw new EcouteError('SERVICE_START_FAILED', `elasticsearch: did not start: ${error}; ${tail}`);
}

export async function elasticsearchDown(opts: { log?: Log; instance?: ElasticsearchInstance } = {}): Promise<ServiceStatus> {
  const instance = opts.instance ?? defaultElasticsearch();
  const d = dirs(instance);
  const pid = elasticsearchPid(instance);
  if (pid !== undefined) {
    const started = Date.now();
    opts.log?.(`elasticsearch: stopping pid ${pid}`);
    await stopProcess(pid, STOP_TIMEOUT_MS, opts.log, 'elasticsearch');
    opts.log?.(`elasticsearch: stopped in ${seconds(Date.now() - started)}`);
  }
  fs.rmSync(d.pidFile, { force: true });
  const status = await elasticsearchStatus(instance);
  if (status.running) status.detail = 'still answering: not started by ecoute, left running';
  return status;
}
