/** Who is acting, as established by a verified session. */
export interface StaffActor {
  readonly kind: 'staff';
  readonly staffId: string;
  readonly organisationId: string;
  readonly isAdmin: boolean;
  /** Clinics whose people this actor may see (tenancy). */
  readonly clinicIds: ReadonlySet<string>;
  readonly ip: string | null;
}

/** Audit actor label: ids only. */
export function actorLabel(actor: StaffActor): string {
  return `staff:${actor.staffId}`;
}
