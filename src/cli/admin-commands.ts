/** `tacet init`, `tacet unseal`, `tacet db grant-intake`. */
import { createAuditLog } from '../audit/audit-log.js';
import { activeAuditKeyFingerprint } from '../audit/trust-anchor.js';
import { setupInstallation } from '../core/org/setup.service.js';
import { createVaultService } from '../core/vault/vault.service.js';
import { randomToken } from '../crypto/random.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrations.js';
import { systemClock } from '../platform/clock.js';
import { loadCoreConfig } from '../platform/config.js';
import { PIN_HINT } from './audit-commands.js';
import { grantIntakeRole } from './intake-role.repository.js';
import { printSecretNotice } from './banner.js';
import { readSecret } from './prompt.js';

/** Options of `tacet init`. */
export interface InitOptions {
  org: string;
  clinic: string[];
  adminEmail: string;
  adminName: string;
  adminPasswordFile?: string;
  passphraseFile?: string;
  shamir?: string;
  passphrase: boolean;
}

/** Create a real installation. Secrets not given in files are generated and printed once. */
export async function runInit(options: InitOptions): Promise<void> {
  const config = loadCoreConfig();
  const { db, dialect } = await openDatabase(config.database, { createSchema: true });
  try {
    await migrateToLatest(db, config.database.kind === 'postgres' ? config.database.schema : undefined);
    const vault = createVaultService({ db, audit: createAuditLog({ dialect, clock: systemClock }), clock: systemClock });
    const clinics = options.clinic.map((entry) => {
      const [slug, ...name] = entry.split('=');
      return { slug: slug ?? '', name: name.join('=') || (slug ?? '') };
    });
    let shamir: { threshold: number; shares: number } | undefined;
    if (options.shamir) {
      const match = /^(\d+)\/(\d+)$/.exec(options.shamir);
      if (!match) throw new Error('--shamir takes k/n, e.g. 3/5');
      shamir = { threshold: Number(match[1]), shares: Number(match[2]) };
    }
    if (!options.passphrase && !shamir) throw new Error('with --no-passphrase, --shamir k/n is required');
    const passphrase = options.passphrase ? (options.passphraseFile ? await readSecret('', options.passphraseFile) : randomToken(24)) : undefined;
    const password = options.adminPasswordFile ? await readSecret('', options.adminPasswordFile) : randomToken(15);
    const { shares } = await setupInstallation(
      { db, vault, clock: systemClock, publicationFile: config.publicationFile },
      { organisation: options.org, clinics, admin: { email: options.adminEmail, name: options.adminName, password }, ...(passphrase ? { passphrase } : {}), ...(shamir ? { shamir } : {}) },
    );
    const fingerprint = await activeAuditKeyFingerprint(db);
    const lines = [
      ...(passphrase && !options.passphraseFile ? [`Unseal passphrase: ${passphrase}`] : []),
      ...(!options.adminPasswordFile ? [`Admin password (${options.adminEmail}): ${password}`] : []),
      ...shares.map((share, i) => `Share ${i + 1} of ${shares.length}: ${share}`),
      ...(shares.length > 0 ? [`Any ${shamir?.threshold} shares unseal. Give each to a different custodian.`] : []),
      '',
      `Audit key fingerprint: ${fingerprint ?? 'none'}`,
      'Not secret, but keep a copy OFF this machine: it is what proves the audit log.',
      ...PIN_HINT,
    ];
    printSecretNotice('TACET INITIALISED - shown ONCE', lines);
  } finally {
    await db.destroy();
  }
}

/** Send a passphrase or a Shamir share to a running core. */
export async function runUnseal(options: { url: string; passphraseFile?: string; shareFile?: string; share: boolean }): Promise<void> {
  const isShare = options.share || Boolean(options.shareFile);
  const secret = isShare ? await readSecret('Unseal share: ', options.shareFile) : await readSecret('Unseal passphrase: ', options.passphraseFile);
  const response = await fetch(new URL('/api/v1/vault/unseal', options.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(isShare ? { share: secret } : { passphrase: secret }),
  });
  const body = (await response.json()) as { state?: string; sharesReceived?: number; threshold?: number; error?: { message: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `unseal failed (HTTP ${response.status})`);
  process.stdout.write(body.state === 'unsealed' ? 'Unsealed.\n' : `Share accepted (${body.sharesReceived} of ${body.threshold}).\n`);
}

/**
 * PostgreSQL: create (or tighten) the intake tier's login role so that it can
 * INSERT into enquiry_inbox and form_token_uses (spending a form token) and
 * do nothing else.
 */
export async function runGrantIntake(options: { role: string }): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.role)) throw new Error('role must be a lower-case SQL identifier');
  const config = loadCoreConfig();
  if (config.database.kind !== 'postgres') throw new Error('grant-intake applies to PostgreSQL (set DATABASE_URL)');
  const { db } = await openDatabase(config.database, { createSchema: true });
  try {
    await migrateToLatest(db, config.database.kind === 'postgres' ? config.database.schema : undefined);
    await grantIntakeRole(db, options.role, config.database.schema ?? 'public');
    process.stdout.write(`role ${options.role}: INSERT on enquiry_inbox and form_token_uses only\n`);
  } finally {
    await db.destroy();
  }
}
