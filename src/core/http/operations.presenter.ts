/** Response shapes of the operator endpoints (`/healthz`, `/readyz`); `/metrics` answers Prometheus text. */
import { z } from 'zod';

/** `/healthz`: the process is alive. */
export const Liveness = z.object({ status: z.literal('ok') });
export type Liveness = z.infer<typeof Liveness>;

/** One readiness check: `not-configured` counts as ready (no Redis), `sealed` does not. */
export const ReadinessCheck = z.enum(['ok', 'failed', 'sealed', 'not-configured']);
export type ReadinessCheck = z.infer<typeof ReadinessCheck>;

/** `/readyz`: 200 when every check passes, 503 otherwise, with the same body. */
export const Readiness = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.object({ database: ReadinessCheck, redis: ReadinessCheck, vault: ReadinessCheck }),
});
export type Readiness = z.infer<typeof Readiness>;

/** The readiness answer for these checks. */
export function presentReadiness(checks: Readiness['checks']): { isReady: boolean; body: Readiness } {
  const isReady = Object.values(checks).every((c) => c === 'ok' || c === 'not-configured');
  return { isReady, body: { status: isReady ? 'ready' : 'not-ready', checks } };
}
