// One SQLite driver per Node (src/core/sqlite-driver.ts): better-sqlite3 12 aborts processes on
// Node 24 at teardown, 13 crashes on Node 20. A file that loads 'better-sqlite3' itself would bring
// the abort back on Node 24, so only the driver module may.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database, driverPackage } from '../../src/core/sqlite-driver.js';

const ROOT = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the SQLite driver', () => {
  it('is better-sqlite3 13 on Node 22 and later, 12 on Node 20, and opens a database', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(driverPackage).toBe(major >= 22 ? 'better-sqlite3-13' : 'better-sqlite3');
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE t (a INTEGER)');
      db.prepare('INSERT INTO t VALUES (?)').run(7);
      expect(db.prepare('SELECT a FROM t').get()).toEqual({ a: 7 });
    } finally {
      db.close();
    }
  });

  it("no file but the driver loads 'better-sqlite3' as a value (type imports are fine)", () => {
    const loads = /^\s*import\s+(?!type\b)[^;]*?from\s+['"]better-sqlite3(-13)?['"]|(?:require|import)\(\s*['"]better-sqlite3/m;
    const offenders = ['src', 'test', 'bench', 'scripts']
      .flatMap(tsFiles)
      .filter((file) => !file.endsWith(join('src', 'core', 'sqlite-driver.ts')) && loads.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
