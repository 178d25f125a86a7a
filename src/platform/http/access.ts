/**
 * Every route declares its access in `config.access`; the server refuses to
 * start if one does not (default deny, enforced at registration).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

/** Who may call a route. */
export type RouteAccess = 'public' | 'staff';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** Raised at start-up for a route without an access declaration. */
export class UndeclaredAccessError extends Error {
  constructor(method: string, url: string) {
    super(`route ${method} ${url} does not declare its access ('public' or 'staff'); refusing to start`);
    this.name = 'UndeclaredAccessError';
  }
}

/** Install the registration check. Call before registering routes. */
export function requireAccessDeclarations(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    // Fastify adds HEAD twins of GET routes itself; they inherit the GET's config.
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (access !== 'public' && access !== 'staff') throw new UndeclaredAccessError(String(route.method), route.url);
  });
}
