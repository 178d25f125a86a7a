/**
 * Key rotation for administrators: see the domain keys and how many person
 * keys still wait to be re-wrapped (progress), and rotate domain keys and the
 * intake key pair (old intake keys open the inbox until it is drained). The
 * unseal passphrase (or Shamir shares) is needed, because the vault key is
 * never kept in memory; a fresh step-up too.
 */
import type { FastifyInstance } from 'fastify';
import { DOMAINS, type Domain } from '../../crypto/keyring.js';
import type { RouteContext } from '../http/core-app.js';

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

/** Rotate the domains' keys and start re-wrapping in the background; returns the new key ids. */
export async function rotateDomains(ctx: RouteContext, body: RotateBody, actor: string, ip: string | null): Promise<string[]> {
  const rotated: string[] = [];
  const material = { ...(body.passphrase ? { passphrase: body.passphrase } : {}), ...(body.shares ? { shares: body.shares } : {}) };
  for (const domain of body.domains) {
    if (domain === 'intake') {
      rotated.push(await ctx.vault.rotateIntakeKey(material, actor, ip));
      // The intake serves the new public key within seconds (it follows the publication file).
      await ctx.onPublicationChanged?.();
    } else rotated.push(await ctx.vault.rotateDomainKey(domain, material, actor, ip));
  }
  void ctx.rewrap.drain().catch((error: unknown) => ctx.logger.error({ err: { message: (error as Error).message } }, 'key re-wrap failed; it resumes on the next run'));
  return rotated;
}

export function registerKeyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/v1/keys', { config: { access: 'staff.manage' } }, async () => ({ domains: await ctx.rewrap.status() }));

  app.post<{ Body: RotateBody }>('/api/v1/keys/rotate', { config: { access: 'staff.manage' }, schema: { body: rotateBodySchema } }, async (request) => {
    await ctx.requireStepUp(request);
    const actor = ctx.actorOf(request);
    return { rotated: await rotateDomains(ctx, request.body, `staff:${actor.staffId}`, actor.ip) };
  });
}
