/**
 * Key rotation for administrators: see the domain keys and how many person
 * keys still wait to be re-wrapped (progress), and rotate domain keys and the
 * intake key pair (old intake keys open the inbox until it is drained). The
 * unseal passphrase (or Shamir shares) is needed, because the vault key is
 * never kept in memory; a fresh step-up too.
 */
import type { FastifyInstance } from 'fastify';
import { actorEvent } from '../../auth/actor.js';
import { responseSchema } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import { type KeyRotationDeps, type RotateBody, rotateBodySchema, rotateDomains } from './key-rotation.js';
import { DomainKeyList, presentDomainKeys, RotationResult } from './keys.presenter.js';
import type { RewrapService } from './rewrap.service.js';

/** What the key routes use. */
export interface KeyRouteDeps extends KeyRotationDeps {
  readonly rewrap: Pick<RewrapService, 'drain' | 'status'>;
  readonly http: RouteHttp;
}

export function registerKeyRoutes(app: FastifyInstance, deps: KeyRouteDeps): void {
  const { http } = deps;

  app.get('/api/v1/keys', { config: { access: 'staff.manage' }, schema: { response: { 200: responseSchema(DomainKeyList) } } }, async (): Promise<DomainKeyList> => presentDomainKeys(await deps.rewrap.status()));

  app.post<{ Body: RotateBody }>('/api/v1/keys/rotate', { config: { access: 'staff.manage' }, schema: { body: rotateBodySchema, response: { 200: responseSchema(RotationResult) } } }, async (request): Promise<RotationResult> => {
    await http.requireStepUp(request);
    const by = actorEvent(http.actorOf(request));
    return { rotated: await rotateDomains(deps, request.body, by.actor, by.ip, by.sessionId) };
  });
}
