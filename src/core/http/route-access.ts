/** The core's route permissions: the role table's names, declared to the platform's access check. */
import { CLINIC_PERMISSIONS, ORG_PERMISSIONS, type Permission } from '../../auth/roles.js';

declare module '../../platform/http/access.js' {
  interface RoutePermissionRegistry {
    permission: Permission;
  }
}

/** Every permission a core route may declare as its access. */
export const ROUTE_PERMISSIONS: readonly Permission[] = [...CLINIC_PERMISSIONS, ...ORG_PERMISSIONS];
