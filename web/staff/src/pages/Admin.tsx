/** Administration: staff, their roles in one or more clinics, disabling and re-enabling, locks and who lifts them (administrators); break-glass review (DPO). */
import { useCallback, useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { AuthState, BreakGlassGrant, BreakGlassGrantList, Clinic, ClinicList, StaffList, StaffMember } from '../api-types.js';
import { useConfirm } from '../components/ConfirmDialog.js';
import { ErrorText } from '../components/ErrorText.js';
import { StepUp } from '../components/StepUp.js';
import { Table } from '../components/Table.js';
import { useAction } from '../hooks.js';

const CLINIC_ROLES = ['receptionist', 'nurse', 'practitioner', 'clinic_manager'];
const ORG_ROLES = ['administrator', 'dpo'];
const label = (role: string) => role.replace('_', ' ').replace('dpo', 'data-protection officer');


const FACTOR_LABELS: Record<string, string> = { password: 'password sign-in', totp: 'authenticator codes', recovery: 'recovery codes', passkey: 'passkeys' };
/** A lock reason in staff's words (reasons are codes such as `incident:…` or a detection rule). */
function describeLock(reason: string | null): string {
  if (!reason) return 'no reason recorded';
  if (reason.startsWith('incident')) return 'locked during an incident (containment)';
  return `automatic containment (${reason.replaceAll(/[-_.]/g, ' ')})`;
}

/** Clinic, clinic role and organisation role pickers for a new staff member (more clinics are added afterwards, on their row). */
function RoleFields(props: { clinics: Clinic[]; prefix: string }) {
  return (
    <>
      <label htmlFor={`${props.prefix}-clinic`}>Clinic</label>
      <select id={`${props.prefix}-clinic`} name="clinic" defaultValue="">
        <option value="">— none —</option>
        {props.clinics.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${props.prefix}-role`}>Role in that clinic</label>
      <select id={`${props.prefix}-role`} name="role" defaultValue="receptionist">
        {CLINIC_ROLES.map((r) => (
          <option key={r} value={r}>
            {label(r)}
          </option>
        ))}
      </select>
      <OrgRoleSelect id={`${props.prefix}-org-role`} />
    </>
  );
}

function OrgRoleSelect(props: { id: string; current?: string | null }) {
  return (
    <>
      <label htmlFor={props.id}>Organisation role</label>
      <select id={props.id} name="orgRole" defaultValue={props.current ?? ''}>
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

type Act = (work: () => Promise<unknown>, done: string) => void;

/** One staff member's roles: a role in each of several clinics (add, change, remove one at a time) and the organisation role. */
function RoleEditor(props: { member: StaffMember; clinics: Clinic[]; clinicName: (id: string) => string; act: Act; confirm: ReturnType<typeof useConfirm>['confirm'] }) {
  const { member: s, clinics } = props;
  const prefix = `roles-${s.id}`;
  return (
    <details>
      <summary>Roles and clinics</summary>
      <ul className="plain">
        {s.clinicRoles.length === 0 && <li>No clinic role.</li>}
        {s.clinicRoles.map((r) => (
          <li key={r.clinicId}>
            <span>
              {label(r.role)} at {props.clinicName(r.clinicId)}
            </span>
            <button
              type="button"
              className="link"
              onClick={() =>
                void props
                  .confirm({ title: `Remove ${s.name} from ${props.clinicName(r.clinicId)}?`, message: `${s.name} loses the ${label(r.role)} role at ${props.clinicName(r.clinicId)} at once, in every session: that clinic's records close to them. Their other roles stay.`, action: `Remove from ${props.clinicName(r.clinicId)}` })
                  .then((yes) => yes && props.act(() => api('DELETE', `/api/v1/staff/${s.id}/clinic-roles/${r.clinicId}`), `${s.name} no longer works at ${props.clinicName(r.clinicId)}.`))
              }
            >
              Remove<span className="visually-hidden"> from {props.clinicName(r.clinicId)}</span>
            </button>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const clinicId = String(data.get('clinic'));
          props.act(() => api('PUT', `/api/v1/staff/${s.id}/clinic-roles/${clinicId}`, { role: String(data.get('role')) }), `${s.name} is now ${label(String(data.get('role')))} at ${props.clinicName(clinicId)}.`);
        }}
      >
        <label htmlFor={`${prefix}-clinic`}>Clinic</label>
        <select id={`${prefix}-clinic`} name="clinic" required>
          {clinics.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {s.clinicRoles.some((r) => r.clinicId === c.id) ? ' (change the role there)' : ''}
            </option>
          ))}
        </select>
        <label htmlFor={`${prefix}-role`}>Role in that clinic</label>
        <select id={`${prefix}-role`} name="role" defaultValue="receptionist">
          {CLINIC_ROLES.map((r) => (
            <option key={r} value={r}>
              {label(r)}
            </option>
          ))}
        </select>
        <button type="submit">Add clinic role</button>
      </form>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const orgRole = String(new FormData(event.currentTarget).get('orgRole'));
          props.act(() => api('PUT', `/api/v1/staff/${s.id}/roles`, { orgRole: orgRole === '' ? null : orgRole, clinicRoles: s.clinicRoles }), `Organisation role of ${s.name} saved.`);
        }}
      >
        <OrgRoleSelect id={`${prefix}-org`} current={s.orgRole} />
        <button type="submit" className="secondary">
          Save organisation role
        </button>
      </form>
    </details>
  );
}

/** Whether the account is locked, why, since when, and who may unlock it. */
function LockNotice(props: { member: StaffMember; canUnlock: boolean; act: Act }) {
  const s = props.member;
  if (!s.lockedAt && s.lockedFactors.length === 0) return null;
  const who = s.unlockRoles.map(label).join(' or ') || 'no role';
  return (
    <div className="notice warning">
      {s.lockedAt && (
        <p>
          <strong>Account locked</strong> {formatWhen(s.lockedAt)}: {describeLock(s.lockReason)}. Sign-in and exports are refused until it is unlocked.
        </p>
      )}
      {s.lockedFactors.length > 0 && <p>Locked after repeated failures: {s.lockedFactors.map((f) => FACTOR_LABELS[f] ?? f).join(', ')}.</p>}
      <p className="hint">Who can unlock: {who} (after reviewing why).</p>
      {props.canUnlock && (
        <button type="button" className="secondary" onClick={() => props.act(() => api('POST', `/api/v1/staff/${s.id}/unlock`), `${s.name} unlocked.`)}>
          Unlock {s.name}
        </button>
      )}
    </div>
  );
}

export function StaffAdminPage(props: { state: AuthState; onChange: () => Promise<void> }) {
  const [staff, setStaff] = useState<StaffMember[]>();
  const [clinics, setClinics] = useState<Clinic[]>([]);
  const { error, setError, run } = useAction();
  const [notice, setNotice] = useState<string>();
  const { confirm, dialog } = useConfirm();
  const load = useCallback(async () => {
    setStaff((await api<StaffList>('GET', '/api/v1/staff')).staff);
    setClinics((await api<ClinicList>('GET', '/api/v1/clinics')).clinics);
  }, []);
  useEffect(() => {
    void run(load());
  }, [load, run]);
  const act: Act = (work, done) =>
    void run(
      work()
        .then(load)
        .then(() => {
          setNotice(done);
          setError(undefined);
        }),
    );
  const clinicName = (id: string) => clinics.find((c) => c.id === id)?.name ?? 'another clinic';
  const myId = props.state.staff?.id;

  return (
    <>
      {dialog}
      <h1>Staff</h1>
      {props.state.steppedUp ? (
        <p className="hint">Changes here need a fresh confirmation of your identity: yours is valid for a few minutes.</p>
      ) : (
        <StepUp state={props.state} onDone={() => void props.onChange()} why="Changes to staff need a fresh confirmation" />
      )}
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
              <>
                <span className="badge bad">disabled</span> <span className="hint">since {formatWhen(s.disabledAt)}</span>
                <div className="row">
                  <button type="button" className="secondary" onClick={() => act(() => api('POST', `/api/v1/staff/${s.id}/enable`), `${s.name} re-enabled: they can sign in again with their password and second factor.`)}>
                    Re-enable {s.name}
                  </button>
                </div>
              </>
            ) : (
              <>
                {s.lockedAt || s.lockedFactors.length > 0 ? <span className="badge warn">locked</span> : <span className="badge">active</span>}
                <LockNotice member={s} canUnlock act={act} />
                <RoleEditor member={s} clinics={clinics} clinicName={clinicName} act={act} confirm={confirm} />
                {s.id !== myId && (
                  <div className="row">
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        void confirm({ title: `Disable ${s.name}?`, message: `${s.name} is signed out everywhere at once and cannot sign in until re-enabled. Their roles and the audit trail are kept.`, action: `Disable ${s.name}` }).then(
                          (yes) => yes && act(() => api('POST', `/api/v1/staff/${s.id}/disable`), `${s.name} disabled; sessions revoked.`),
                        )
                      }
                    >
                      Disable<span className="visually-hidden"> {s.name}</span>
                    </button>
                  </div>
                )}
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
            () => api('POST', '/api/v1/staff', { email: String(data.get('email')), name: String(data.get('name')), password: String(data.get('password')), ...rolesFrom(data) }).then(() => form.reset()),
            'Staff member added. They set up their second factor at first sign-in. Add roles in more clinics on their row.',
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
