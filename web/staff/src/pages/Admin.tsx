/** Administration: staff and roles (administrators), break-glass review (DPO). */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.js';
import type { BreakGlassGrant, BreakGlassGrantList, Clinic, ClinicList, StaffList, StaffMember } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { useAction } from '../hooks.js';

const CLINIC_ROLES = ['receptionist', 'nurse', 'practitioner', 'clinic_manager'];
const ORG_ROLES = ['administrator', 'dpo'];
const label = (role: string) => role.replace('_', ' ').replace('dpo', 'data-protection officer');

/** Clinic, clinic role and organisation role pickers (one clinic role per form; repeat for more clinics). */
function RoleFields(props: { clinics: Clinic[]; prefix: string; current?: StaffMember }) {
  const first = props.current?.clinicRoles[0];
  return (
    <>
      <label htmlFor={`${props.prefix}-clinic`}>Clinic</label>
      <select id={`${props.prefix}-clinic`} name="clinic" defaultValue={first?.clinicId ?? ''}>
        <option value="">— none —</option>
        {props.clinics.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${props.prefix}-role`}>Role in that clinic</label>
      <select id={`${props.prefix}-role`} name="role" defaultValue={first?.role ?? 'receptionist'}>
        {CLINIC_ROLES.map((r) => (
          <option key={r} value={r}>
            {label(r)}
          </option>
        ))}
      </select>
      <label htmlFor={`${props.prefix}-org-role`}>Organisation role</label>
      <select id={`${props.prefix}-org-role`} name="orgRole" defaultValue={props.current?.orgRole ?? ''}>
        <option value="">— none —</option>
        {ORG_ROLES.map((r) => (
          <option key={r} value={r}>
            {label(r)}
          </option>
        ))}
      </select>
    </>
  );
}

function rolesFrom(data: FormData): { orgRole: string | null; clinicRoles: { clinicId: string; role: string }[] } {
  const clinicId = String(data.get('clinic'));
  const role = String(data.get('role'));
  const orgRole = String(data.get('orgRole'));
  return { orgRole: orgRole === '' ? null : orgRole, clinicRoles: clinicId && role ? [{ clinicId, role }] : [] };
}

export function StaffAdminPage() {
  const [staff, setStaff] = useState<StaffMember[]>();
  const [clinics, setClinics] = useState<Clinic[]>([]);
  const { error, setError, run } = useAction();
  const [notice, setNotice] = useState<string>();
  const load = useCallback(async () => {
    setStaff((await api<StaffList>('GET', '/api/v1/staff')).staff);
    setClinics((await api<ClinicList>('GET', '/api/v1/clinics')).clinics);
  }, []);
  useEffect(() => {
    void run(load());
  }, [load, run]);
  const act = (work: Promise<unknown>, done: string) =>
    run(
      work.then(load).then(() => {
        setNotice(done);
        setError(undefined);
      }),
    );
  const clinicName = (id: string) => clinics.find((c) => c.id === id)?.name ?? id;

  return (
    <>
      <h1>Staff</h1>
      <p className="hint">Changes here need a fresh confirmation of your identity (Security → Confirm it is you).</p>
      <ErrorText error={error} />
      <p role="status">{notice ?? ''}</p>
      <Table
        headings={['Name', 'Email', 'Roles', 'Second factor', 'Status']}
        rows={(staff ?? []).map((s) => ({
          key: s.id,
          cells: [
            s.name,
            s.email,
            [...(s.orgRole ? [label(s.orgRole)] : []), ...s.clinicRoles.map((r) => `${label(r.role)} at ${clinicName(r.clinicId)}`)].join(', ') || '—',
            s.factors.passkeys > 0 ? 'passkey' : s.factors.totp ? 'authenticator' : 'not yet enrolled',
            s.disabledAt ? (
              'disabled'
            ) : (
              <>
                <button type="button" className="link" onClick={() => act(api('POST', `/api/v1/staff/${s.id}/disable`), `${s.name} disabled; sessions revoked.`)}>
                  Disable
                </button>{' '}
                <button type="button" className="link" onClick={() => act(api('POST', `/api/v1/staff/${s.id}/unlock`), `${s.name} unlocked.`)}>
                  Unlock
                </button>
                <details>
                  <summary>Change roles</summary>
                  <form
                    onSubmit={(event) => {
                      event.preventDefault();
                      act(api('PUT', `/api/v1/staff/${s.id}/roles`, rolesFrom(new FormData(event.currentTarget))), `Roles of ${s.name} changed.`);
                    }}
                  >
                    <RoleFields clinics={clinics} prefix={`edit-${s.id}`} current={s} />
                    <button type="submit">Save roles</button>
                  </form>
                </details>
              </>
            ),
          ],
        }))}
      />
      <h2>Add a staff member</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          act(
            api('POST', '/api/v1/staff', { email: String(data.get('email')), name: String(data.get('name')), password: String(data.get('password')), ...rolesFrom(data) }).then(() => form.reset()),
            'Staff member added. They set up their second factor at first sign-in.',
          );
        }}
      >
        <label htmlFor="new-name">Name</label>
        <input id="new-name" name="name" required maxLength={120} />
        <label htmlFor="new-email">Email</label>
        <input id="new-email" name="email" type="email" required />
        <label htmlFor="new-password">Initial password (at least 15 characters; give it to them in person)</label>
        <input id="new-password" name="password" type="password" autoComplete="new-password" required />
        <RoleFields clinics={clinics} prefix="new" />
        <button type="submit">Add staff member</button>
      </form>
    </>
  );
}

export function BreakGlassReviewPage() {
  const [grants, setGrants] = useState<BreakGlassGrant[]>();
  const { error, run } = useAction();
  const load = useCallback(async () => setGrants((await api<BreakGlassGrantList>('GET', '/api/v1/break-glass')).grants), []);
  useEffect(() => {
    void run(load());
  }, [load, run]);
  const review = (id: string, outcome: string) => run(api('POST', `/api/v1/break-glass/${id}/review`, { outcome }).then(load));
  return (
    <>
      <h1>Break-glass review</h1>
      <ErrorText error={error} />
      {grants?.length === 0 && <p>Nothing waiting for review.</p>}
      <ul className="cards">
        {grants?.map((g) => (
          <li key={g.id}>
            <p>
              <strong>{g.staff.name}</strong> at {new Date(g.createdAt).toLocaleString('en-GB')}
            </p>
            <blockquote>{g.justification}</blockquote>
            <button type="button" onClick={() => void review(g.id, 'justified')}>
              Justified
            </button>{' '}
            <button type="button" onClick={() => void review(g.id, 'unjustified')}>
              Not justified
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
