/** Response shapes for alerts, lockdown and second-person approvals (ids, rule names and counts; never personal data). */
import { z } from 'zod';

/** An alert as the DPO's list shows it: how many people, not who. */
export const AlertSummary = z.object({
  id: z.string(),
  at: z.string(),
  severity: z.string(),
  rule: z.string(),
  staff: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  personCount: z.number(),
  detail: z.string(),
  status: z.string(),
});
export type AlertSummary = z.infer<typeof AlertSummary>;

export const AlertList = z.object({ alerts: z.array(AlertSummary) });
export type AlertList = z.infer<typeof AlertList>;

/** The status an alert step left it in. */
export const AlertStepResult = z.object({ status: z.enum(['acknowledged', 'resolved']) });
export type AlertStepResult = z.infer<typeof AlertStepResult>;

export const LockdownState = z.object({ lockdown: z.boolean() });
export type LockdownState = z.infer<typeof LockdownState>;

/** The id of a new approval request. */
export const ApprovalCreated = z.object({ id: z.string() });
export type ApprovalCreated = z.infer<typeof ApprovalCreated>;

/** A colleague's request waiting for a second person. */
export const ApprovalRequest = z.object({ id: z.string(), enquiryId: z.string(), requestedAt: z.string(), requester: z.string() });
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export const ApprovalRequestList = z.object({ requests: z.array(ApprovalRequest) });
export type ApprovalRequestList = z.infer<typeof ApprovalRequestList>;

export const ApprovalResult = z.object({ status: z.literal('approved') });
export type ApprovalResult = z.infer<typeof ApprovalResult>;

/** JSON for a row of the alert list. */
export function presentAlert(row: { id: string; at: string; severity: string; rule: string; staff_id: string | null; display_name: string | null; person_ids: string; detail: string; status: string }): AlertSummary {
  return { id: row.id, at: row.at, severity: row.severity, rule: row.rule, staff: row.staff_id ? { id: row.staff_id, name: row.display_name } : null, personCount: (JSON.parse(row.person_ids) as string[]).length, detail: row.detail, status: row.status };
}

/** JSON for a pending approval request. */
export function presentApprovalRequest(row: { id: string; enquiry_id: string; created_at: string; display_name: string }): ApprovalRequest {
  return { id: row.id, enquiryId: row.enquiry_id, requestedAt: row.created_at, requester: row.display_name };
}
