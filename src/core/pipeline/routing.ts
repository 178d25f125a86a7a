/**
 * Routing new enquiries: each goes to the receptionist on shift in its clinic
 * who has waited longest since their last one (round robin); with nobody on
 * shift it stays in the clinic's unassigned pool, to be claimed. Runs inside
 * the ingest transaction, as the system.
 */
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { EnquiryEventsTable } from '../../db/tables.js';
import { listOnShiftReceptionists, markAssigned } from './routing.repository.js';

/** An enquiry being stored, to be routed. */
export interface Routable {
  readonly id: string;
  readonly clinic_id: string;
  assigned_to?: string | null;
  assigned_at?: string | null;
}

/** Assign each enquiry (in place) round robin among its clinic's receptionists on shift; returns the events to store. */
export async function routeEnquiries(trx: Db, enquiries: readonly Routable[], at: string, shiftStartedAfter: string): Promise<EnquiryEventsTable[]> {
  const events: EnquiryEventsTable[] = [];
  const byClinic = new Map<string, Routable[]>();
  for (const enquiry of enquiries) byClinic.set(enquiry.clinic_id, [...(byClinic.get(enquiry.clinic_id) ?? []), enquiry]);
  for (const [clinicId, batch] of byClinic) {
    const onShift = await listOnShiftReceptionists(trx, clinicId, shiftStartedAfter);
    if (onShift.length === 0) continue;
    const last = new Map<string, number>();
    batch.forEach((enquiry, i) => {
      const index = i % onShift.length;
      const staffId = (onShift[index] as { staff_id: string }).staff_id;
      enquiry.assigned_to = staffId;
      enquiry.assigned_at = at;
      last.set(staffId, index);
      events.push({ id: newId(), enquiry_id: enquiry.id, clinic_id: clinicId, at, staff_id: null, kind: 'assigned', detail: staffId });
    });
    // The order of "last given" is the order they were handed out in, so the next batch goes on where this one stopped.
    for (const [staffId, index] of last) await markAssigned(trx, staffId, clinicId, new Date(new Date(at).getTime() + index).toISOString());
  }
  return events;
}
