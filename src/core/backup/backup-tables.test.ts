import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../db/tables.js';
import { BACKUP_TABLES, isBackedUpTable, TABLE_BACKUP, type TableBackup } from './backup-tables.js';

describe('backup table classification', () => {
  it('fails the type check for a table of Database that is not classified (tsc checks this file)', () => {
    interface GrownDatabase extends Database {
      new_table: { id: string };
    }
    // @ts-expect-error -- a table added to Database without a classification is a type error here; tsc fails on an unused directive, so this line proves the check.
    const classified: Record<keyof GrownDatabase, TableBackup> = TABLE_BACKUP;
    assert.ok(classified);
  });

  it('carries every table classified as backed up, in the order classified, and none other', () => {
    const entries = Object.entries(TABLE_BACKUP);
    assert.deepEqual(BACKUP_TABLES, entries.filter(([, how]) => how === 'backed-up').map(([table]) => table));
    for (const [table, how] of entries) assert.equal(isBackedUpTable(table), how === 'backed-up', table);
    for (const excluded of ['sessions', 'auth_throttle', 'vault', 'job_leases', 'form_token_uses']) assert.equal(isBackedUpTable(excluded), false, excluded);
    assert.equal(BACKUP_TABLES[0], 'organisations');
    assert.equal(BACKUP_TABLES.at(-1), 'shred_log');
  });
});
