/** Composition root of the intake tier: its own inbox database and the published public keys. */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { openInboxDatabase } from '../db/inbox-database.js';
import type { InboxDb } from '../db/tables/intake.js';
import type { Clock } from '../platform/clock.js';
import type { IntakeConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { createIntakeApp, setPublication } from './intake-app.js';
import { type Publication, parsePublication } from './publication.js';

/** A ready intake tier. */
export interface IntakeRuntime {
  readonly app: FastifyInstance;
  readonly db: InboxDb;
  /** Serve `next` (or the publication file again) from now on. */
  readonly reloadPublication: (next?: Publication) => void;
  readonly close: () => Promise<void>;
}

/** Read the publication file written by the core. Throws a clear error if missing or invalid. */
export function loadPublication(file: string): Publication {
  if (!fs.existsSync(file)) throw new Error(`intake publication not found at ${file}: start the core once (or run \`tacet init\`) to write it`);
  return parsePublication(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Build the intake tier. `publication` defaults to the configured file. */
export async function createIntakeRuntime(deps: { config: IntakeConfig; logger: Logger; clock: Clock; publication?: Publication; formSecret?: Uint8Array }): Promise<IntakeRuntime> {
  const publication = deps.publication ?? loadPublication(deps.config.publicationFile);
  // SECURITY: the inbox alone (on SQLite its own file; the main database file is never opened here).
  const db = openInboxDatabase(deps.config.database, { poolSize: 20 });
  const app = await createIntakeApp({ config: deps.config, db, publication, logger: deps.logger, clock: deps.clock, ...(deps.formSecret ? { formSecret: deps.formSecret } : {}) });
  const reloadPublication = (next?: Publication) => {
    try {
      setPublication(app, next ?? loadPublication(deps.config.publicationFile));
      deps.logger.info('intake publication reloaded');
    } catch (error) {
      // A half-written or invalid file never replaces a good publication.
      deps.logger.error({ err: { message: (error as Error).message } }, 'intake publication not reloaded; keeping the current one');
    }
  };
  // Running from the file the core writes: follow it (a rotated intake key is served within seconds).
  const watching = !deps.publication;
  if (watching) fs.watchFile(deps.config.publicationFile, { interval: 2_000, persistent: false }, () => reloadPublication());
  return {
    app,
    db,
    reloadPublication,
    async close() {
      if (watching) fs.unwatchFile(deps.config.publicationFile);
      await app.close();
      await db.destroy();
    },
  };
}
