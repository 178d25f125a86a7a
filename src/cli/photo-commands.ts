/** `tacet photos trace <file>`: which served copy a leaked photo is, and who was served it. */
import fs from 'node:fs';
import { createAuditLog } from '../audit/audit-log.js';
import { readMark } from '../core/photos/watermark.js';
import { createVaultService } from '../core/vault/vault.service.js';
import { systemClock } from '../platform/clock.js';
import { withDatabase } from './detection-commands.js';
import { findServedCopy } from './photo-trace.repository.js';
import { readSecret } from './prompt.js';

const MAX_FILE_BYTES = 100 * 1024 * 1024;

export async function runPhotosTrace(file: string, options: { passphraseFile?: string }): Promise<void> {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new Error('no such file');
  if (stat.size > MAX_FILE_BYTES) throw new Error('the file is larger than 100 MB; is it an image?');
  const image = fs.readFileSync(file);
  await withDatabase(async ({ db, dialect }) => {
    const audit = createAuditLog({ dialect, clock: systemClock });
    const vault = createVaultService({ db, audit, clock: systemClock });
    await vault.unsealWithPassphrase(await readSecret('Unseal passphrase: ', options.passphraseFile));
    let mark: number | undefined;
    try {
      mark = await readMark(image, vault.keyring().markerKey);
    } catch {
      throw new Error('the file could not be read as an image');
    } finally {
      vault.seal();
    }
    const row = mark === undefined ? undefined : await findServedCopy(db, mark);
    await db.transaction().execute((trx) => audit.append(trx, [{ actor: 'system:cli', action: 'photo.trace', recordRefs: row ? [`photo:${row.photo_id}`, `staff:${row.staff_id}`] : [], purpose: row ? 'mark-found' : 'no-mark', outcome: 'success' }]));
    if (!row) {
      process.stdout.write('No Tacet watermark found in this image (or it was not served by this installation).\n');
      process.exitCode = 1;
      return;
    }
    process.stdout.write(
      [
        'Tacet watermark found.',
        `  served to: ${row.display_name} <${row.email}> (staff ${row.staff_id})`,
        `  served at: ${row.at} (UTC)`,
        `  as:        ${row.kind}`,
        `  photo:     ${row.photo_id}`,
        `  mark:      ${mark}`,
        'The audit log has the session and address of that request (`action = photo.*`).',
        '',
      ].join('\n'),
    );
  });
}
