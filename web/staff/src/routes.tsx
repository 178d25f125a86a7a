/**
 * The staff UI's route table: each page's path, who may open it, the page,
 * and its entry in the main menu. It drives both the page switch and the
 * navigation, so each permission is declared once, here. (The server checks
 * every call again: hiding a page is a courtesy, not the protection.)
 */
import type { ReactNode } from 'react';
import { AccessReviewsPage } from './pages/AccessReviews.js';
import { AcknowledgementPage } from './pages/Acknowledgement.js';
import { BreakGlassReviewPage, StaffAdminPage } from './pages/Admin.js';
import { AlertsPage, ApprovalsPage } from './pages/Alerts.js';
import type { AuthState, Permission } from './api-types.js';
import { CompliancePage } from './pages/Compliance.js';
import { ConsentFormsPage } from './pages/ConsentForms.js';
import { EnquiryDetailPage, EnquiryListPage } from './pages/Enquiries.js';
import { NeedsAttentionBadge, NeedsAttentionDetailPage, NeedsAttentionListPage } from './pages/NeedsAttention.js';
import { PipelinePage, StageNamesPanel, TodayPage } from './pages/FrontDesk.js';
import { IncidentDetailPage } from './pages/IncidentDetail.js';
import { IncidentListPage, NoticeTemplatePage } from './pages/Incidents.js';
import { KeysPanel } from './pages/Keys.js';
import { PatientDetailPage, PatientListPage } from './pages/Patients.js';
import { ExportsPage } from './pages/PhotoExports.js';
import { ReportsPage } from './pages/Reports.js';
import { RetentionPage } from './pages/Retention.js';
import { RightsPage } from './pages/Rights.js';
import { matchPath } from './router.js';
import { SecurityPage } from './pages/Security.js';
import { GatePage, TasksPage } from './pages/Tasks.js';

/** What the shell gives a page: the signed-in state, permission checks, a reload of the state, and the path's `:id`. */
export interface PageContext {
  readonly state: AuthState;
  readonly can: (permission: Permission) => boolean;
  /** Reload the sign-in state (after the person's factors, tasks or step-up change). */
  readonly refresh: () => Promise<void>;
  /** The UUID in a detail page's path ('' for other pages). */
  readonly id: string;
}

export interface StaffRoute {
  /** An exact path; a `:id` segment stands for a UUID. */
  readonly path: string;
  /** Who may open it: this permission, any one of these, or (absent) every signed-in staff member. */
  readonly permission?: Permission | readonly Permission[];
  readonly page: (context: PageContext) => ReactNode;
  /** Its link in the main menu, if it has one (the menu is in table order). */
  readonly nav?: string | ((state: AuthState) => string);
  /** A count shown beside its menu link (given the current path, so it can count again as staff move on). */
  readonly badge?: (path: string) => ReactNode;
  /** The home page: also shown at `/` and at any path no allowed route answers. */
  readonly isHome?: true;
}

/** Who reviews staff access: clinic managers for their clinics, and compliance managers. */
const ACCESS_REVIEWERS: readonly Permission[] = ['access.review', 'compliance.manage'];

/** Who sees the counts-only reports: clinic managers for their clinics, administrators for all. */
const REPORT_READERS: readonly Permission[] = ['report.read', 'report.read-all'];

export const ROUTES: readonly StaffRoute[] = [
  { path: '/today', permission: 'enquiry.read', page: ({ can }) => <TodayPage canManage={can('enquiry.assign')} />, nav: 'Today', isHome: true },
  { path: '/pipeline', permission: 'enquiry.read', page: ({ state, can }) => <PipelinePage clinics={(state.staff?.clinicRoles ?? []).map((r) => ({ id: r.clinicId, name: r.clinicName }))} canAssign={can('enquiry.assign')} />, nav: 'Pipeline' },
  { path: '/enquiries', permission: 'enquiry.read', page: () => <EnquiryListPage />, nav: 'Enquiries' },
  // No permission: the server answers 404 for an enquiry this person may not open, and the page offers break-glass.
  { path: '/enquiries/:id', page: ({ id, can }) => <EnquiryDetailPage id={id} canConvert={can('patient.write')} /> },
  // Who may correct and accept an enquiry (receptionists, clinic managers); the server decides which rows.
  { path: '/needs-attention', permission: 'enquiry.update', page: () => <NeedsAttentionListPage />, nav: 'Needs attention', badge: (path) => <NeedsAttentionBadge path={path} /> },
  { path: '/needs-attention/:id', permission: 'enquiry.update', page: ({ id }) => <NeedsAttentionDetailPage id={id} /> },
  { path: '/patients', permission: 'contact.read', page: () => <PatientListPage />, nav: 'Patients' },
  { path: '/patients/:id', permission: 'contact.read', page: ({ id, can }) => <PatientDetailPage id={id} can={can} /> },
  { path: '/exports', permission: 'photo.export', page: ({ state }) => <ExportsPage staffId={state.staff?.id ?? ''} />, nav: 'Exports' },
  {
    path: '/staff',
    permission: 'staff.manage',
    page: ({ state, refresh }) => (
      <>
        <StaffAdminPage state={state} onChange={refresh} />
        <StageNamesPanel />
        <KeysPanel />
      </>
    ),
    nav: 'Staff',
  },
  { path: '/consent-forms', permission: 'consent.forms', page: () => <ConsentFormsPage />, nav: 'Consent forms' },
  { path: '/break-glass', permission: 'break-glass.review', page: () => <BreakGlassReviewPage />, nav: 'Break-glass review' },
  { path: '/alerts', permission: 'alerts.manage', page: () => <AlertsPage />, nav: 'Alerts' },
  { path: '/incidents', permission: 'incident.manage', page: () => <IncidentListPage />, nav: 'Incidents' },
  { path: '/incidents/template', permission: 'incident.manage', page: () => <NoticeTemplatePage /> },
  { path: '/incidents/:id', permission: 'incident.manage', page: ({ id }) => <IncidentDetailPage id={id} /> },
  { path: '/retention', permission: 'retention.manage', page: () => <RetentionPage />, nav: 'Retention' },
  { path: '/approvals', permission: 'enquiry.read', page: () => <ApprovalsPage />, nav: 'Approvals' },
  { path: '/compliance', permission: 'compliance.manage', page: () => <CompliancePage />, nav: 'Compliance' },
  { path: '/rights', permission: 'rights.manage', page: ({ state, refresh }) => <RightsPage state={state} onChange={refresh} />, nav: 'Requests' },
  {
    path: '/access-reviews',
    permission: ACCESS_REVIEWERS,
    page: ({ state, can }) => <AccessReviewsPage staffId={state.staff?.id ?? ''} canDecide={ACCESS_REVIEWERS.some((p) => can(p))} canOpen={can('compliance.manage')} />,
    nav: 'Access reviews',
  },
  // The administrator (staff.manage is theirs alone) and clinic managers; the server decides per clinic.
  { path: '/acknowledgement', permission: ['acknowledgement.manage', 'staff.manage'], page: () => <AcknowledgementPage />, nav: 'Acknowledgement e-mail' },
  { path: '/reports', permission: REPORT_READERS, page: () => <ReportsPage />, nav: 'Reports' },
  { path: '/tasks', page: ({ refresh }) => <TasksPage onChange={refresh} />, nav: (state) => `My tasks${(state.blocks ?? []).length > 0 ? ' (to do)' : ''}` },
  { path: '/security', page: ({ state, refresh }) => <SecurityPage state={state} onChange={refresh} />, nav: 'Security' },
];

/**
 * Paths that show patients' personal data: the home page, anything under
 * /enquiries, /needs-attention or /patients, /exports and /approvals. While the people gate is
 * closed for this person (`state.blocks`), the gate page (what to do, and the
 * way to My tasks) is shown there instead.
 */
const PERSONAL_PATHS = /^\/(|today|pipeline|enquiries.*|needs-attention.*|patients.*|exports|approvals)$/;

function isAllowed(route: StaffRoute, can: PageContext['can']): boolean {
  if (route.permission === undefined) return true;
  return typeof route.permission === 'string' ? can(route.permission) : route.permission.some((p) => can(p));
}

/** The page at `path`: the gate page, or the first allowed route that answers it, or the home page, or a note when even that is not allowed. */
export function pageFor(path: string, context: Omit<PageContext, 'id'>): ReactNode {
  const blocks = context.state.blocks ?? [];
  if (blocks.length > 0 && PERSONAL_PATHS.test(path)) return <GatePage blocks={blocks} />;
  for (const route of ROUTES) {
    const match = matchPath(route.path, path);
    if (match && isAllowed(route, context.can)) return route.page({ ...context, id: match.id });
  }
  const home = ROUTES.find((route) => route.isHome && isAllowed(route, context.can));
  return home ? home.page({ ...context, id: '' }) : <p>Your role has no patient lists. Use the menu for your tasks.</p>;
}

/** The main menu: the allowed routes that have a link, in table order. */
export function menuFor(context: Omit<PageContext, 'id'>): { path: string; label: string; badge?: StaffRoute['badge'] }[] {
  return ROUTES.flatMap((route) => (route.nav !== undefined && isAllowed(route, context.can) ? [{ path: route.path, label: typeof route.nav === 'string' ? route.nav : route.nav(context.state), ...(route.badge ? { badge: route.badge } : {}) }] : []));
}
