// The SQLite driver this Node runs: better-sqlite3 13 on Node 22 and later, 12 on Node 20.
//
// better-sqlite3 12 wraps its objects in Node's raw ObjectWrap; on Node 24 a statement or database
// collected after Node tore its environment down (a worker thread ending, a process exiting) aborts
// the process ("RemoveEnvironmentCleanupHook: Assertion failed: (env) != nullptr"). 13 moved to
// node-addon-api and ships Node-API prebuilds, but needs Node 22 (it crashes when loaded on 20).
// Both are installed (13 under the alias better-sqlite3-13) and have the same API; every part of
// écoute opens its files through this module (src/core/sqlite.ts), never through 'better-sqlite3'.
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

/** The better-sqlite3 module for this Node (13 on Node ≥ 22, else 12). */
export const driverPackage = major >= 22 ? 'better-sqlite3-13' : 'better-sqlite3';

/** The better-sqlite3 constructor (`new Database(file, options)`), the same API on both. */
export const Database = require(driverPackage) as typeof BetterSqlite3;
