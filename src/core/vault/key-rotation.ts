/**
 * Rotating keys on request, shared by the administrators' key routes and an
 * incident's containment step: the request body, and the rotation itself
 * (domain keys and the intake key pair), after which person keys are
 * re-wrapped in the background.
 */
import { DOMAINS, type Domain } from '../../crypto/key-material.js';
import type { Logger } from '../../platform/logger.js';
import type { RewrapService } from './rewrap.service.js';
import type { VaultService } from './vault.service.js';

export const rotateBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['domains'],
  properties: {
    // A domain key, or 'intake': the public intake tier's key pair.
    domains: { type: 'array', minItems: 1, maxItems: DOMAINS.length + 1, uniqueItems: true, items: { type: 'string', enum: [...DOMAINS, 'intake'] } },
    passphrase: { type: 'string', minLength: 1, maxLength: 1024 },
    shares: { type: 'array', maxItems: 255, items: { type: 'string', minLength: 1, maxLength: 1024 } },
  },
} as const;

export interface RotateBody {
  readonly domains: (Domain | 'intake')[];
  readonly passphrase?: string;
  readonly shares?: string[];
}

/** What a rotation uses. */
export interface KeyRotationDeps {
  readonly vault: Pick<VaultService, 'rotateDomainKey' | 'rotateIntakeKey'>;
  readonly rewrap: Pick<RewrapService, 'drain'>;
  readonly logger: Logger;
  /** Rewrites the publication file the intake follows (after an intake key rotation). */
  readonly onPublicationChanged?: (() => Promise<void>) | undefined;
}

/**
 * Rotate the domains' keys and start re-wrapping in the background; returns
 * the new key ids. `actor`, `ip` and `sessionId` are the audit fields of who
 * asked (`actorEvent(actor)` for a staff member).
 */
export async function rotateDomains(deps: KeyRotationDeps, body: RotateBody, actor: string, ip: string | null, sessionId: string | null = null): Promise<string[]> {
  const rotated: string[] = [];
  const material = { ...(body.passphrase ? { passphrase: body.passphrase } : {}), ...(body.shares ? { shares: body.shares } : {}) };
  for (const domain of body.domains) {
    if (domain === 'intake') {
      rotated.push(await deps.vault.rotateIntakeKey(material, actor, ip, sessionId));
      // The intake serves the new public key within seconds (it follows the publication file).
      await deps.onPublicationChanged?.();
    } else rotated.push(await deps.vault.rotateDomainKey(domain, material, actor, ip, sessionId));
  }
  void deps.rewrap.drain().catch((error: unknown) => deps.logger.error({ err: { message: (error as Error).message } }, 'key re-wrap failed; it resumes on the next run'));
  return rotated;
}
