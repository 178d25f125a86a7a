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

/**
 * The permission names a tier's routes may require. The platform knows none:
 * the core declares its own by augmenting this interface with
 * `{ permission: Permission }` (src/core/http/route-access.ts), and passes the
 * same list to `createHttpApp` so that registration checks it at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface RoutePermissionRegistry {}

/** A permission name some tier registered (`never` when none did). */
export type RoutePermission = RoutePermissionRegistry extends { permission: infer P extends string } ? P : never;

/** Who may call a route. */
export type RouteAccess = 'public' | 'authenticating' | 'staff' | RoutePermission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

const BASE_ACCESS = ['public', 'authenticating', 'staff'] as const;

/** Raised at start-up for a route without a (valid) access declaration. */
export class UndeclaredAccessError extends Error {
  constructor(method: string, url: string) {
    super(`route ${method} ${url} does not declare a valid access ('public', 'authenticating', 'staff' or a permission); refusing to start`);
    this.name = 'UndeclaredAccessError';
  }
}

/** True when `value` is a base access or one of the tier's `permissions`. */
export function isRouteAccess(value: unknown, permissions: readonly string[]): value is RouteAccess {
  return typeof value === 'string' && ((BASE_ACCESS as readonly string[]).includes(value) || permissions.includes(value));
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

/** Install the registration check against the tier's `permissions`. Call before registering routes. */
export function requireAccessDeclarations(app: FastifyInstance, permissions: readonly string[]): void {
  const table: RouteTableEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route: RouteOptions) => {
    // Fastify adds HEAD twins of GET routes itself; they inherit the GET's config.
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (!isRouteAccess(access, permissions)) throw new UndeclaredAccessError(String(route.method), route.url);
    for (const method of [route.method].flat()) table.push({ method: String(method), url: route.url, access });
  });
}
