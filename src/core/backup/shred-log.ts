/** The shred log beside backups: ids of crypto-shredded people with reasons and times (no personal data), as JSON lines. */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/database.js';
import { listShredLog } from './backup.repository.js';

/** The shred log as JSON lines (ids, reasons, times), to keep beside backups. */
export async function exportShredLog(db: Db, file: string): Promise<number> {
  const rows = await listShredLog(db);
  await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.promises.writeFile(file, rows.map((r) => JSON.stringify({ personId: r.person_id, reason: r.reason, at: r.shredded_at })).join('\n') + (rows.length > 0 ? '\n' : ''), { mode: 0o600 });
  return rows.length;
}

/** Read a shred log written by `exportShredLog`. */
export async function readShredLog(file: string): Promise<{ personId: string; reason: string; at: string }[]> {
  const text = await fs.promises.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { personId: string; reason: string; at: string });
}
