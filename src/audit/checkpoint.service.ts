/**
 * Signed audit checkpoints: periodically the core signs (seq, head hash,
 * time) — the head being the last block of the v2 chain, or the last v1
 * event before any block exists — with its Ed25519 audit key and exports the checkpoint off the box —
 * appended to a file (mount it on other storage), sent to syslog (UDP,
 * RFC 5424) and to the alert webhook through the outbox. A later
 * `tacet audit verify --checkpoint-file` proves the log still holds what it
 * held then: truncation or a rewritten tail cannot match a signed head, and
 * with the key's fingerprint pinned (`--trusted-key`) nor can a history
 * re-signed with a key swapped into the database.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { newId } from '../crypto/random.js';
import type { KeySource } from '../crypto/key-source.js';
import { signMessage, verifyMessage } from '../crypto/signing.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import type { DetectionConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { findChainTip, findLastCheckpointSeq, insertCheckpoint, queueCheckpointWebhook } from './audit.repository.js';

/** A checkpoint as exported (one JSON line). */
export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  readonly keyId: string;
  readonly publicKey: string;
  readonly signature: string;
}

/**
 * What a checkpoint signs. v1: `hash` is the v1 event's hash at `seq`; v2:
 * the hash of the v2 block ending at `seq` (ADR 0016). The version is in the
 * signed text, so a signature fixes how its hash is read.
 */
export function checkpointMessage(seq: number, hash: string, at: string, version: 1 | 2 = 1): string {
  return version === 2 ? `tacet-audit-checkpoint/v2-block|${seq}|${hash}|${at}` : `tacet-audit-checkpoint/v1|${seq}|${hash}|${at}`;
}

/** The format a checkpoint's signature is valid for under its own public key (2: a block hash, 1: an event hash), or undefined. The caller also checks that key is ours. */
export function checkpointVersion(checkpoint: Checkpoint): 1 | 2 | undefined {
  for (const version of [2, 1] as const) {
    if (verifyMessage(checkpoint.publicKey, checkpointMessage(checkpoint.seq, checkpoint.hash, checkpoint.at, version), checkpoint.signature)) return version;
  }
  return undefined;
}

/** Signature valid for the checkpoint's own public key, in either format? (The caller also checks that key is ours.) */
export function isCheckpointSigned(checkpoint: Checkpoint): boolean {
  return checkpointVersion(checkpoint) !== undefined;
}

function parseCheckpointLine(line: string, where: string): Checkpoint {
  // A witness written by a syslog collector prefixes each line with the RFC 5424 header: the JSON starts at the first brace.
  const start = line.indexOf('{');
  let parsed: Partial<Checkpoint> | undefined;
  try {
    parsed = start >= 0 ? (JSON.parse(line.slice(start)) as Partial<Checkpoint>) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed.seq !== 'number' || typeof parsed.hash !== 'string' || typeof parsed.at !== 'string' || typeof parsed.signature !== 'string' || typeof parsed.publicKey !== 'string' || typeof parsed.keyId !== 'string') {
    throw new Error(`${where} is not a Tacet checkpoint`);
  }
  return { seq: parsed.seq, hash: parsed.hash, at: parsed.at, keyId: parsed.keyId, publicKey: parsed.publicKey, signature: parsed.signature };
}

/**
 * Every checkpoint of an export file (JSON lines, or a syslog collector's
 * lines), in file order. Throws with a clear message if the file is
 * unreadable, empty, or has a line that is not a checkpoint.
 */
export function readCheckpoints(file: string): Checkpoint[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const checkpoints = lines.flatMap((line, i) => (line.trim() === '' ? [] : [parseCheckpointLine(line, `line ${i + 1} of ${file}`)]));
  if (checkpoints.length === 0) throw new Error(`no checkpoint in ${file}`);
  return checkpoints;
}

/** The last checkpoint of an export file (see `readCheckpoints`). */
export function readLastCheckpoint(file: string): Checkpoint {
  return readCheckpoints(file).at(-1) as Checkpoint;
}

export interface CheckpointService {
  /** Sign and export a checkpoint of the current head, if the log grew since the last one. */
  readonly checkpoint: () => Promise<Checkpoint | undefined>;
}

export function createCheckpointService(deps: { db: Db; vault: KeySource; clock: Clock; config: DetectionConfig; logger: Logger; onQueued?: () => void }): CheckpointService {
  const { db, config } = deps;

  function toSyslog(checkpoint: Checkpoint): void {
    if (!config.syslog) return;
    const { host, port } = config.syslog;
    // RFC 5424: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG; facility auth (10), notice (5).
    const line = `<85>1 ${checkpoint.at} tacet tacet - audit-checkpoint - ${JSON.stringify(checkpoint)}`;
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.send(line, port, host, (error) => {
      if (error) deps.logger.warn({ err: { message: error.message } }, 'audit checkpoint not sent to syslog');
      socket.close();
    });
  }

  return {
    async checkpoint() {
      if (!deps.vault.isUnsealed()) return undefined;
      const signing = deps.vault.keyring().auditSigning;
      if (!signing) throw new Error('no audit signing key in the vault');
      const head = await findChainTip(db);
      const lastSeq = await findLastCheckpointSeq(db);
      if (!head || (lastSeq !== undefined && lastSeq >= Number(head.seq))) return undefined;
      const at = deps.clock.now().toISOString();
      const seq = Number(head.seq);
      const checkpoint: Checkpoint = { seq, hash: head.hash, at, keyId: signing.id, publicKey: signing.publicKeyB64, signature: signMessage(signing.privateKey, checkpointMessage(seq, head.hash, at, head.isBlock ? 2 : 1)) };
      await db.transaction().execute(async (trx) => {
        await insertCheckpoint(trx, { seq, hash: checkpoint.hash, at, key_id: checkpoint.keyId, signature: checkpoint.signature });
        if (config.webhook) await queueCheckpointWebhook(trx, { id: newId(), target: config.webhook.url, payload: JSON.stringify({ type: 'audit-checkpoint', ...checkpoint }), at });
      });
      fs.mkdirSync(path.dirname(config.auditExportFile), { recursive: true });
      fs.appendFileSync(config.auditExportFile, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
      toSyslog(checkpoint);
      if (deps.onQueued) setImmediate(deps.onQueued);
      return checkpoint;
    },
  };
}
