/** `tacet audit verify`: the audit trail against its off-box anchors. */
import fs from 'node:fs';
import { readCheckpoints } from '../audit/checkpoint.service.js';
import { verifyAuditTrail } from '../audit/trail-verify.js';
import { isInsideDirectory, resolveTrustedKeys } from '../audit/trust-anchor.js';
import { openDatabase } from '../db/database.js';
import { loadCoreConfig } from '../platform/config.js';
import { printWarning } from './banner.js';

/** Options of `tacet audit verify`. */
export interface AuditVerifyOptions {
  headSeq?: string;
  headHash?: string;
  checkpointFile?: string;
  trustedKey?: string;
  sinceCheckpoint?: boolean;
}

/** Lines telling how to pin the anchor, shared by init and the warnings. */
export const PIN_HINT = ['Pin it: tacet audit verify --trusted-key <fingerprint or file>', 'or set TACET_AUDIT_TRUSTED_KEY (see docs/operations.md).'];

/**
 * Verify the audit hash chain, every stored checkpoint's signature, every
 * exported checkpoint (file) or a known head — so truncation and a rewritten
 * tail show — and, with a pinned key, that no key was swapped in the
 * database. With `sinceCheckpoint`, only the chain after the newest signed
 * checkpoint is read (the daily check; a full run still reads it all). Warns loudly on stderr when nothing is pinned or the export sits
 * inside the data directory. Exit code 1 when anything is broken.
 */
export async function runAuditVerify(options: AuditVerifyOptions): Promise<void> {
  const config = loadCoreConfig();
  const trustedKey = options.trustedKey ?? config.detection.auditTrustedKey;
  const trusted = trustedKey ? resolveTrustedKeys(trustedKey) : [];
  const exportFile = config.detection.auditExportFile;
  const file = options.checkpointFile ?? (fs.existsSync(exportFile) ? exportFile : undefined);
  const exported = file ? readCheckpoints(file) : [];
  if (trusted.length === 0) {
    printWarning('NO TRUST ANCHOR PINNED - this check proves little', [
      'It trusts the audit signing key stored in the very database it checks.',
      'Anyone who can write to that database can edit events, recompute the',
      'chain, swap in their own key, re-sign every checkpoint and rewrite the',
      'export: it would still pass. Use the key fingerprint printed at init,',
      'kept off this machine.',
      ...PIN_HINT,
    ]);
  }
  for (const inside of new Set([exportFile, file].filter((f): f is string => f !== undefined && isInsideDirectory(f, config.dataDir)))) {
    printWarning('checkpoint export inside the data directory', [
      `${inside} is inside the data directory ${config.dataDir}.`,
      'Whoever can rewrite the database can rewrite it too. Send checkpoints to',
      'another machine (TACET_AUDIT_SYSLOG, the alert webhook, or a mount on',
      'other storage) and verify against that copy (docs/operations.md).',
    ]);
  }
  const { db } = await openDatabase(config.database);
  try {
    const knownHead = options.headSeq && options.headHash ? { seq: Number(options.headSeq), hash: options.headHash } : undefined;
    const isSinceCheckpoint = options.sinceCheckpoint === true;
    const verdict = await verifyAuditTrail(db, { exported, trusted, isSinceCheckpoint, ...(knownHead ? { knownHead } : {}) });
    if (!verdict.ok) {
      process.stdout.write(`audit chain BROKEN${verdict.atSeq === undefined ? '' : ` at seq ${verdict.atSeq}`}: ${verdict.reason}\n`);
      process.exitCode = 1;
      return;
    }
    const head = verdict.knownHead
      ? `; matches the exported head at seq ${verdict.knownHead.seq}${verdict.exported > 0 ? ` (${verdict.exported} exported checkpoints checked)` : ''}`
      : '; no exported checkpoint to compare (truncation of the tail is only detectable against one)';
    const anchor = verdict.isAnchored ? `; anchored to the pinned key ${trusted.join(', ')}` : '; NOT ANCHORED: no trusted key pinned';
    const scope = verdict.startedAfter
      ? ` (since the signed checkpoint at seq ${verdict.startedAfter.seq}: ${verdict.verifiedEvents} events in ${verdict.blocks} blocks verified, nothing before read)`
      : isSinceCheckpoint
        ? ' (no signed checkpoint to start from: verified in full)'
        : '';
    process.stdout.write(`audit chain OK${scope}: ${verdict.events} events, head ${verdict.headHash}; ${verdict.stored} signed checkpoints valid${head}${anchor}\n`);
  } finally {
    await db.destroy();
  }
}
