// What the operator reads when a data file cannot be written (disk full, I/O error): one clear
// error naming the file system and the file, then a "still full" reminder at most once a minute
// (whatever the number of retries behind it), then one line when writes succeed again. Every write
// to a data file reports here (src/core/sqlite.ts), so the many retrying parts of écoute
// (connectors, stages, webhook) do not each log the same failure.
import { readFileSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createLogger, type Logger } from './log.js';
import type { EcouteError } from './errors.js';

const REMINDER_MS = 60_000;

interface Outage {
  since: number;
  remindedAt: number;
  file: string;
  failures: number;
}

class DiskSpace {
  private log: Logger = createLogger({ component: 'disk' });
  private readonly outages = new Map<string, Outage>();

  setLogger(log: Logger): void {
    this.log = log;
  }

  /** True while some data file cannot be written: retrying parts then need not log each retry. */
  anyFailing(): boolean {
    return this.outages.size > 0;
  }

  failed(file: string, error: EcouteError, now = Date.now()): void {
    const dir = dirname(resolve(file));
    const outage = this.outages.get(dir);
    if (!outage) {
      this.outages.set(dir, { since: now, remindedAt: now, file, failures: 1 });
      const what = error.code === 'DISK_FULL' ? 'the file system is full' : 'the file system reports an I/O error';
      this.log.error(
        `${what}: cannot write ${file} (${describeFileSystem(dir)}). écoute keeps running: webhooks answer 503, connectors and stages pause and retry, nothing is lost; free space and it resumes by itself`,
        { code: error.code },
      );
      return;
    }
    outage.failures++;
    if (now - outage.remindedAt >= REMINDER_MS) {
      outage.remindedAt = now;
      this.log.warn(`still cannot write ${outage.file}: ${describeFileSystem(dir)}; ${outage.failures} writes failed since ${new Date(outage.since).toISOString()}`, { code: error.code });
    }
  }

  succeeded(file: string, now = Date.now()): void {
    if (this.outages.size === 0) return;
    const dir = dirname(resolve(file));
    const outage = this.outages.get(dir);
    if (!outage) return;
    // A write can succeed on a full disk (SQLite reuses the space of a checkpointed log): space is
    // "back" only when the file system has some room again, so the log does not flap.
    if (!hasRoom(dir)) return;
    this.outages.delete(dir);
    this.log.info(`space is back (${describeFileSystem(dir)}): writes to ${file} resumed after ${Math.round((now - outage.since) / 1000)} s`);
  }
}

export const diskSpace = new DiskSpace();

/** Less than 64 KiB left for this user on the file system holding `dir` (false when it cannot tell). */
export function noRoomLeft(dir: string): boolean {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

function hasRoom(dir: string): boolean {
  try {
    const s = statfsSync(dir);
    const free = s.bavail * s.bsize;
    return free >= Math.min(1024 * 1024, (s.blocks * s.bsize) / 20);
  } catch {
    return true;
  }
}

/** "file system /data mounted on /srv (12 KiB free of 2.0 MiB)", as far as the platform tells. */
export function describeFileSystem(dir: string): string {
  let space = '';
  try {
    const s = statfsSync(dir);
    space = ` (${size(s.bavail * s.bsize)} free of ${size(s.blocks * s.bsize)})`;
  } catch {
    // no statfs: the folder alone is named
  }
  const mount = mountPointOf(dir);
  if (mount === dir) return `file system mounted on ${dir}${space}`;
  return `file system of ${dir}${mount ? `, mounted on ${mount}` : ''}${space}`;
}

function mountPointOf(dir: string): string | undefined {
  try {
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
      .filter((m): m is string => !!m && (dir === m || dir.startsWith(m.endsWith('/') ? m : `${m}/`)));
    return mounts.sort((a, b) => b.length - a.length)[0];
  } catch {
    return undefined;
  }
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
