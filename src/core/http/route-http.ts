/**
 * What a route module gets from the HTTP layer, and nothing more: who is
 * asking (`actorOf`), the audit (`record`, `eventFor`) and the step-up check.
 * Route modules take this plus the few services they use, in the spirit of
 * Fastify plugin options (`registerPatientRoutes(app, { patients, http })`),
 * and never import the app that registers them.
 */
import type { FastifyRequest } from 'fastify';
import type { StaffActor } from '../../auth/actor.js';
import type { AuditEvent } from '../../audit/audit-log.js';

/** An event as a route states it; the HTTP layer adds who, from where and which session. */
export interface RequestEvent {
  readonly action: string;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly purpose?: string;
  readonly recordRefs?: readonly string[];
  readonly personIds?: readonly string[];
}

export interface RouteHttp {
  /** The signed-in actor (UNAUTHENTICATED if the route let an anonymous caller through). */
  readonly actorOf: (request: FastifyRequest) => StaffActor;
  /** Append one audit event for this request (its own transaction). */
  readonly record: (request: FastifyRequest, event: RequestEvent) => Promise<void>;
  /** The full audit event for this request, to append inside the caller's own transaction. */
  readonly eventFor: (request: FastifyRequest, event: RequestEvent) => AuditEvent;
  /** Refuse (STEP_UP_REQUIRED, audited) unless the actor re-authenticated in the last few minutes. */
  readonly requireStepUp: (request: FastifyRequest) => Promise<void>;
}
