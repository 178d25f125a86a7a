/**
 * What operators and their tools look at: liveness (`/healthz`), readiness
 * (`/readyz`: database reachable, Redis reachable if configured, vault
 * unsealed — a load balancer sends staff only to instances that can serve
 * them) and Prometheus metrics (`/metrics`, prom-client).
 *
 * SECURITY: metric labels are route templates, methods, status codes, job
 * and state names — never ids, paths with ids, or personal data. `/metrics`
 * answers only with the bearer token TACET_METRICS_TOKEN, or, without one,
 * only to loopback.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { safeEqual } from '../../crypto/digest.js';
import type { KeySource } from '../../crypto/key-source.js';
import type { Db } from '../../db/database.js';
import { routeTemplateOf } from '../../platform/http/request-log.js';
import { responseSchema } from '../../platform/http/schemas.js';
import { Liveness, presentReadiness, Readiness } from './operations.presenter.js';
import { auditHeadSeq, countInboxPending, countOpenAlertsBySeverity, countOutboxPending, pingDatabase } from './operations.repository.js';

export interface OperationsDeps {
  readonly db: Db;
  readonly vault: Pick<KeySource, 'isUnsealed'>;
  readonly redis?: Redis | undefined;
  readonly metricsToken?: string | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

async function timed<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerOperationsRoutes(app: FastifyInstance, deps: OperationsDeps): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tacet_' });
  const requests = new Counter({ name: 'tacet_http_requests_total', help: 'HTTP requests by route template, method and status', labelNames: ['route', 'method', 'status'] as const, registers: [registry] });
  const duration = new Histogram({ name: 'tacet_http_request_duration_seconds', help: 'HTTP request duration by route template', labelNames: ['route', 'method'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
  new Gauge({ name: 'tacet_vault_unsealed', help: '1 when this instance is unsealed', registers: [registry], collect() { this.set(deps.vault.isUnsealed() ? 1 : 0); } });
  new Gauge({
    name: 'tacet_inbox_pending',
    help: 'Sealed enquiries waiting for ingest',
    registers: [registry],
    async collect() {
      this.set(await countInboxPending(deps.db));
    },
  });
  new Gauge({
    name: 'tacet_outbox_pending',
    help: 'Notifications not yet delivered',
    registers: [registry],
    async collect() {
      this.set(await countOutboxPending(deps.db));
    },
  });
  new Gauge({
    name: 'tacet_alerts_open',
    help: 'Alerts not yet resolved, by severity',
    labelNames: ['severity'] as const,
    registers: [registry],
    async collect() {
      const rows = await countOpenAlertsBySeverity(deps.db);
      this.reset();
      for (const severity of ['critical', 'high', 'medium', 'low']) this.set({ severity }, Number(rows.find((r) => r.severity === severity)?.n ?? 0));
    },
  });
  new Gauge({
    name: 'tacet_audit_events',
    help: 'Audit events in the chain (its head sequence number)',
    registers: [registry],
    async collect() {
      this.set(await auditHeadSeq(deps.db));
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route template (e.g. /api/v1/patients/:id), never the URL with its ids; unmatched routes collapse to one label.
    const route = routeTemplateOf(request);
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    duration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { config: { access: 'public' }, schema: { response: { 200: responseSchema(Liveness) } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' }, schema: { response: { 200: responseSchema(Readiness), 503: responseSchema(Readiness) } } }, async (_request, reply) => {
    const checks: Readiness['checks'] = { database: 'failed', redis: 'not-configured', vault: deps.vault.isUnsealed() ? 'ok' : 'sealed' };
    try {
      await timed(pingDatabase(deps.db), 2_000);
      checks.database = 'ok';
    } catch {
      checks.database = 'failed';
    }
    if (deps.redis) {
      try {
        checks.redis = (await timed(deps.redis.ping(), 2_000)) === 'PONG' ? 'ok' : 'failed';
      } catch {
        checks.redis = 'failed';
      }
    }
    const { isReady, body } = presentReadiness(checks);
    return reply.status(isReady ? 200 : 503).send(body);
  });

  // Prometheus text exposition, not JSON: no response schema.
  app.get('/metrics', { config: { access: 'public' } }, async (request, reply) => {
    const auth = request.headers.authorization;
    const isAllowed = deps.metricsToken ? typeof auth === 'string' && safeEqual(auth, `Bearer ${deps.metricsToken}`) : LOOPBACK.has(request.ip);
    if (!isAllowed) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Not found.' } });
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
