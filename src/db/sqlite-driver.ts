/**
 * The SQLite driver, chosen by Node version. better-sqlite3 12 is compiled
 * here and runs on Node 20; on Node 24 its finalizers can run after Node has
 * torn its environment down and the process aborts at exit
 * (`RemoveEnvironmentCleanupHook: (env) != nullptr`). better-sqlite3 13 moved
 * to Node-API and fixes that, ships prebuilt binaries, but needs Node >= 22
 * (it crashes on 20). So: 13 (installed as `better-sqlite3-napi`) from Node
 * 22 on, 12 before. Same API, same SQLite file format.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

export const SqliteDatabase: typeof BetterSqlite3 = (major >= 22 ? require('better-sqlite3-napi') : require('better-sqlite3')) as typeof BetterSqlite3;
export type SqliteConnection = BetterSqlite3.Database;
