/**
 * Every route declares its access in `config.access`; the server refuses to
 * start if one does not (default deny, enforced at registration).
 *
 * - `public`: anyone (pages' static shell, health, intake, vault status);
 * - `authenticating`: a session that has proven the password but maybe not
 *   yet the second factor (sign-in and enrolment steps only);
 * - `staff`: a fully signed-in staff member (password + second factor);
 * - a permission name: a fully signed-in staff member who holds it.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { CLINIC_PERMISSIONS, ORG_PERMISSIONS, type Permission } from '../../auth/roles.js';

/** Who may call a route. */
export type RouteAccess = 'public' | 'authenticating' | 'staff' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

const VALID: ReadonlySet<string> = new Set(['public', 'authenticating', 'staff', ...CLINIC_PERMISSIONS, ...ORG_PERMISSIONS]);

/** Raised at start-up for a route without a (valid) access declaration. */
export class UndeclaredAccessError extends Error {
  constructor(method: string, url: string) {
    super(`route ${method} ${url} does not declare a valid access ('public', 'authenticating', 'staff' or a permission); refusing to start`);
    this.name = 'UndeclaredAccessError';
  }
}

export function isRouteAccess(value: unknown): value is RouteAccess {
  return typeof value === 'string' && VALID.has(value);
}

/** One row of the route table: what the server registered and who may call it. */
export interface RouteTableEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

const tables = new WeakMap<FastifyInstance, RouteTableEntry[]>();

/** Every route registered on an app, with its access (for review and tests). */
export function routeTable(app: FastifyInstance): readonly RouteTableEntry[] {
  return tables.get(app) ?? [];
}

/** Install the registration check. Call before registering routes. */
export function requireAccessDeclarations(app: FastifyInstance): void {
  const table: RouteTableEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route: RouteOptions) => {
    // Fastify adds HEAD twins of GET routes itself; they inherit the GET's config.
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (!isRouteAccess(access)) throw new UndeclaredAccessError(String(route.method), route.url);
    for (const method of [route.method].flat()) table.push({ method: String(method), url: route.url, access });
  });
}
