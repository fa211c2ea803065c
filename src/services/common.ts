// Shared plumbing for running real Kafka and Elasticsearch as plain JVM processes on 127.0.0.1:
// paths, Maven downloads, pid files, a cross-process lock, log tails. Node built-ins only, so the
// services can be brought up before (and without) any npm dependency of the project.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EcouteError } from '../core/errors.js';
import { ecouteCacheDir } from '../core/cache-dir.js';

export type ServiceName = 'kafka' | 'elasticsearch';

export interface ServiceStatus {
  name: ServiceName;
  /** The server answers its protocol at `endpoint` (not merely a TCP connect). */
  running: boolean;
  /** A process started by `servicesUp` (pid file in the state dir) is alive. */
  startedByUs: boolean;
  pid?: number;
  endpoint: string;
  dataDir: string;
  detail?: string;
}

export type Log = (line: string) => void;

export const KAFKA_BROKER = '127.0.0.1:19092';
export const ELASTICSEARCH_URL = 'http://127.0.0.1:19200';

/** Downloads (Kafka jars, the Elasticsearch zip unpacked), kept between runs: écoute's cache directory. */
export const cacheDir = ecouteCacheDir;

/**
 * Data, logs, configs and pid files of the running servers. Not under /root: Elasticsearch runs as
 * a system user (it refuses root) and must read and write its folders.
 */
export function stateDir(): string {
  return process.env.ECOUTE_SERVICES_DIR || '/var/tmp/ecoute-services';
}

export function mkdirp(dir: string, mode = 0o755): string {
  fs.mkdirSync(dir, { recursive: true, mode });
  return dir;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * scripts/services/<name>/pom.xml, found by walking up from this module (src/ or dist/src/), then
 * from the working directory.
 */
export function findPom(service: string): string {
  const rel = path.join('scripts', 'services', service, 'pom.xml');
  for (const start of [path.dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, rel))) return path.join(dir, rel);
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new EcouteError('SERVICE_SETUP', `${rel} not found above ${fileURLToPath(import.meta.url)} nor above ${process.cwd()}`);
}

/** Runs a command, resolves with its combined output, rejects with the output's tail on failure. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err) => reject(new EcouteError('SERVICE_START_FAILED', `${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new EcouteError('SERVICE_START_FAILED', `${cmd} ${args.join(' ')} exited with ${code ?? signal}\n${lastLines(out, 40)}`));
    });
  });
}

/** Maven, for the downloads. `ECOUTE_MVN` overrides the executable. */
export async function maven(pom: string, args: string[], log?: Log): Promise<void> {
  const mvn = process.env.ECOUTE_MVN || 'mvn';
  const all = ['-B', '-q', '-f', pom, ...args];
  log?.(`$ ${mvn} ${all.join(' ')}`);
  try {
    await run(mvn, all, { cwd: path.dirname(pom) });
  } catch (err) {
    const msg = (err as Error).message;
    if (/ENOENT/.test(msg)) throw new EcouteError('SERVICE_SETUP', `Maven (mvn) is needed to download the servers from Maven Central and was not found on PATH (apt-get install maven)`);
    throw err;
  }
}

export function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-n).join('\n');
}

/** The last `n` lines of a file, each cut at `maxLine` characters (ES logs one-line JVM argument lists). */
export function tailFile(file: string, n: number, maxLine = Infinity): string {
  try {
    // Read at most the last 256 KiB: enough for n lines of any server log.
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 256 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return lastLines(buf.toString('utf8'), n)
        .split('\n')
        .map((line) => (line.length > maxLine ? `${line.slice(0, maxLine)} …` : line))
        .join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return `(no log at ${file})`;
  }
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else (e.g. we are not root and it runs as ecoute-es).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) answers signal 0 but is gone for our purposes.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/** Guards against a recycled pid: the live process must be the one our pid file meant. */
export function processMatches(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(marker));
  } catch {
    return true; // no /proc: trust the pid file
  }
}

/** SIGTERM, wait until the process is gone, SIGKILL after `timeoutMs`. */
export async function stopProcess(pid: number, timeoutMs: number, log?: Log, label = `pid ${pid}`): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      log?.(`${label}: still alive after ${Math.round(timeoutMs / 1000)} s, sending SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      const killDeadline = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < killDeadline) await sleep(100);
      return;
    }
    await sleep(100);
  }
}

/** Whether something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A lock file shared by every process using the same state dir, so that parallel test workers
 * calling `servicesUp` at once start each server once. Stale locks (dead owner) are taken over.
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, waitMs = 15 * 60_000): Promise<T> {
  const file = path.join(mkdirp(stateDir()), `${name}.lock`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readPid(file);
      if (owner === undefined || !isAlive(owner)) {
        // Owner died (or is writing its pid right now: retry once after a pause before stealing).
        await sleep(200);
        if (readPid(file) === owner) fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new EcouteError('SERVICE_START_FAILED', `timed out waiting for ${file} (held by pid ${owner})`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  }
}

/** Rotates `file` to `file.1` and opens a fresh one for a child's stdout and stderr. */
export function freshLogFd(file: string): number {
  mkdirp(path.dirname(file));
  if (fs.existsSync(file)) fs.renameSync(file, `${file}.1`);
  return fs.openSync(file, 'a');
}

/** Java home of a JDK at least `minMajor`, from its `release` file. */
export function javaMajor(javaHome: string): number | undefined {
  try {
    const release = fs.readFileSync(path.join(javaHome, 'release'), 'utf8');
    const m = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(release);
    if (!m) return undefined;
    const first = Number(m[1]);
    return first === 1 ? Number(m[2]) : first; // "1.8.0" → 8
  } catch {
    return undefined;
  }
}

export function findJavaHome(minMajor: number, preferred: (string | undefined)[]): string | undefined {
  for (const home of preferred) {
    if (home && (javaMajor(home) ?? 0) >= minMajor && fs.existsSync(path.join(home, 'bin', 'java'))) return home;
  }
  const jvmRoot = '/usr/lib/jvm';
  let candidates: { home: string; major: number; temurin: boolean }[] = [];
  try {
    candidates = fs
      .readdirSync(jvmRoot)
      .map((entry) => path.join(jvmRoot, entry))
      .filter((home) => !fs.lstatSync(home).isSymbolicLink() && fs.existsSync(path.join(home, 'bin', 'java')))
      .map((home) => ({ home, major: javaMajor(home) ?? 0, temurin: path.basename(home).startsWith('temurin-') }))
      .filter((c) => c.major >= minMajor);
  } catch {
    return undefined;
  }
  // Prefer Temurin, then the newest.
  candidates.sort((a, b) => Number(b.temurin) - Number(a.temurin) || b.major - a.major);
  return candidates[0]?.home;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function idOf(user: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

export function chownTree(root: string, uid: number, gid: number): void {
  const walk = (p: string) => {
    fs.lchownSync(p, uid, gid);
    if (fs.lstatSync(p).isDirectory()) for (const entry of fs.readdirSync(p)) walk(path.join(p, entry));
  };
  walk(root);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Returns a function telling whether `needle` has appeared in `file`, reading only new bytes. */
export function logWatcher(file: string, needle: string): () => boolean {
  let offset = 0;
  let carry = '';
  let found = false;
  return () => {
    if (found) return true;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return false;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < offset) offset = 0; // rotated
      if (size === offset) return false;
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      offset = size;
      const text = carry + buf.toString('utf8');
      found = text.includes(needle);
      carry = text.slice(-needle.length);
      return found;
    } finally {
      fs.closeSync(fd);
    }
  };
}
