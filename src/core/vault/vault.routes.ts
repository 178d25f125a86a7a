/**
 * The vault's public routes: its state, and unsealing with the passphrase or
 * one custodian's Shamir share (rate-limited per IP; every attempt audited by
 * the vault service).
 */
import type { FastifyInstance } from 'fastify';
import { appError } from '../../platform/errors.js';
import { responseSchema } from '../../platform/http/schemas.js';
import { VaultStatus } from './vault.presenter.js';
import type { VaultService } from './vault.service.js';

/** What the vault routes use. */
export interface VaultRouteDeps {
  readonly vault: Pick<VaultService, 'status' | 'unsealWithPassphrase' | 'submitShare' | 'isUnsealed'>;
  /** Requests per minute per IP on the unseal route. */
  readonly authRateMax: number;
  /** Called after a successful unseal (e.g. to start ingest at once). */
  readonly onUnsealed?: (() => void) | undefined;
}

export function registerVaultRoutes(app: FastifyInstance, deps: VaultRouteDeps): void {
  const status = { 200: responseSchema(VaultStatus) };
  app.get('/api/v1/vault', { config: { access: 'public' }, schema: { response: status } }, async () => deps.vault.status());
  app.post<{ Body: { passphrase?: string; share?: string } }>(
    '/api/v1/vault/unseal',
    {
      config: { access: 'public', rateLimit: { max: deps.authRateMax, timeWindow: 60_000 } },
      schema: { body: { type: 'object', additionalProperties: false, properties: { passphrase: { type: 'string', minLength: 1, maxLength: 1024 }, share: { type: 'string', minLength: 1, maxLength: 1024 } } }, response: status },
    },
    async (request) => {
      if (request.body.passphrase) await deps.vault.unsealWithPassphrase(request.body.passphrase, request.ip);
      else if (request.body.share) await deps.vault.submitShare(request.body.share, request.ip);
      else throw appError('VALIDATION_FAILED', ['passphrase']);
      if (deps.vault.isUnsealed()) deps.onUnsealed?.();
      return deps.vault.status();
    },
  );
}
