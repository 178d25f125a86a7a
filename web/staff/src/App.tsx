/** Staff UI shell: loads the sign-in state, routes between the stages and pages. */
import { useCallback, useEffect, useState } from 'react';
import { Link, navigate, usePath } from './router.js';
import { api } from './api.js';
import type { AuthState, Permission } from './api-types.js';
import { EnquiryDetailPage, EnquiryListPage } from './Enquiries.js';
import { BreakGlassReviewPage, StaffAdminPage } from './Admin.js';
import { AlertsPage, ApprovalsPage } from './Alerts.js';
import { EnrolPage, SecondFactorPage, SignInPage } from './SignIn.js';
import { SecurityPage } from './Security.js';
import { PatientDetailPage, PatientListPage } from './Patients.js';
import { ExportsPage } from './Photos.js';
import { SignByLinkPage } from './Consent.js';
import { IncidentDetailPage, IncidentListPage, NoticeTemplatePage } from './Incidents.js';
import { KeysPanel } from './Keys.js';
import { RetentionPage } from './Retention.js';
import { GatePage, TasksPage } from './Tasks.js';
import { CompliancePage } from './Compliance.js';
import { RightsPage } from './Rights.js';
import { AccessReviewsPage } from './AccessReviews.js';
import { Loading } from './components/Loading.js';

export function App() {
  const path = usePath();
  // The patient's signing page needs no staff session.
  if (path === '/sign') return <SignByLinkPage />;
  return <StaffApp path={path} />;
}

function StaffApp(props: { path: string }) {
  const { path } = props;
  const [state, setState] = useState<AuthState | undefined>();
  const refresh = useCallback(async () => setState(await api<AuthState>('GET', '/api/v1/auth/state')), []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (!state) return <Loading />;
  if (state.stage === 'signed-out') return <SignInPage onDone={setState} />;
  if (state.stage === 'second-factor') return <SecondFactorPage state={state} onDone={refresh} />;
  if (state.stage === 'enrol') return <EnrolPage state={state} onDone={refresh} />;

  const can = (permission: Permission) => state.staff?.permissions.includes(permission) ?? false;
  const signOut = async () => {
    await api('POST', '/api/v1/auth/logout');
    navigate('/');
    await refresh();
  };
  const enquiryMatch = /^\/enquiries\/([0-9a-f-]{36})$/.exec(path);
  const patientMatch = /^\/patients\/([0-9a-f-]{36})$/.exec(path);
  const incidentMatch = /^\/incidents\/([0-9a-f-]{36})$/.exec(path);
  const blocks = state.blocks ?? [];
  // Pages that show patients' personal data: while the gate is closed, the reason and the way out are shown instead.
  const isPersonalPage = /^\/(|enquiries.*|patients.*|exports|approvals)$/.test(path);
  let page: React.ReactNode;
  if (blocks.length > 0 && isPersonalPage) page = <GatePage blocks={blocks} />;
  else if (path === '/tasks') page = <TasksPage onChange={refresh} />;
  else if (path === '/compliance' && can('compliance.manage')) page = <CompliancePage />;
  else if (path === '/rights' && can('rights.manage')) page = <RightsPage state={state} onChange={refresh} />;
  else if (path === '/access-reviews' && (can('access.review') || can('compliance.manage'))) page = <AccessReviewsPage staffId={state.staff?.id ?? ''} canDecide={can('access.review') || can('compliance.manage')} canOpen={can('compliance.manage')} />;
  else if (enquiryMatch?.[1]) page = <EnquiryDetailPage id={enquiryMatch[1]} canConvert={can('patient.write')} />;
  else if (patientMatch?.[1] && can('contact.read')) page = <PatientDetailPage id={patientMatch[1]} can={can} />;
  else if (path === '/patients' && can('contact.read')) page = <PatientListPage />;
  else if (path === '/exports' && can('photo.export')) page = <ExportsPage staffId={state.staff?.id ?? ''} />;
  else if (path === '/incidents' && can('incident.manage')) page = <IncidentListPage />;
  else if (path === '/retention' && can('retention.manage')) page = <RetentionPage />;
  else if (path === '/incidents/template' && can('incident.manage')) page = <NoticeTemplatePage />;
  else if (incidentMatch?.[1] && can('incident.manage')) page = <IncidentDetailPage id={incidentMatch[1]} />;
  else if (path === '/security') page = <SecurityPage state={state} onChange={refresh} />;
  else if (path === '/staff' && can('staff.manage'))
    page = (
      <>
        <StaffAdminPage />
        <KeysPanel />
      </>
    );
  else if (path === '/break-glass' && can('break-glass.review')) page = <BreakGlassReviewPage />;
  else if (path === '/alerts' && can('alerts.manage')) page = <AlertsPage />;
  else if (path === '/approvals' && can('enquiry.read')) page = <ApprovalsPage />;
  else if (can('enquiry.read')) page = <EnquiryListPage />;
  else page = <p>Your role has no patient lists. Use the menu for your tasks.</p>;

  return (
    <>
      <header className="top">
        <span className="brand">Tacet</span>
        <nav aria-label="Main">
          {can('enquiry.read') && <Link to="/enquiries">Enquiries</Link>}
          {can('contact.read') && <Link to="/patients">Patients</Link>}
          {can('photo.export') && <Link to="/exports">Exports</Link>}
          {can('staff.manage') && <Link to="/staff">Staff</Link>}
          {can('break-glass.review') && <Link to="/break-glass">Break-glass review</Link>}
          {can('alerts.manage') && <Link to="/alerts">Alerts</Link>}
          {can('incident.manage') && <Link to="/incidents">Incidents</Link>}
          {can('retention.manage') && <Link to="/retention">Retention</Link>}
          {can('enquiry.read') && <Link to="/approvals">Approvals</Link>}
          {can('compliance.manage') && <Link to="/compliance">Compliance</Link>}
          {can('rights.manage') && <Link to="/rights">Requests</Link>}
          {(can('access.review') || can('compliance.manage')) && <Link to="/access-reviews">Access reviews</Link>}
          <Link to="/tasks">My tasks{blocks.length > 0 ? ' (to do)' : ''}</Link>
          <Link to="/security">Security</Link>
        </nav>
        <span className="who">{state.staff?.name}</span>
        <button type="button" className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main>{page}</main>
    </>
  );
}
