/** The signed-in person's own security: factors, recovery codes, sessions, password. */
import { useCallback, useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { AuthState, RecoveryCodesIssued, StaffFactors, StaffSession, StaffSessionList } from '../api-types.js';
import { useConfirm } from '../components/ConfirmDialog.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { EnrolFactors } from '../components/EnrolFactors.js';
import { RecoveryCodes } from '../components/RecoveryCodes.js';
import { StepUp } from '../components/StepUp.js';
import { useAction } from '../hooks.js';

export function SecurityPage(props: { state: AuthState; onChange: () => Promise<void> }) {
  const [factors, setFactors] = useState<StaffFactors>();
  const [sessions, setSessions] = useState<StaffSession[]>();
  const [codes, setCodes] = useState<string[]>();
  const { error, run } = useAction();
  const load = useCallback(async () => {
    setFactors(await api<StaffFactors>('GET', '/api/v1/me/factors'));
    setSessions((await api<StaffSessionList>('GET', '/api/v1/me/sessions')).sessions);
  }, []);
  useEffect(() => {
    void run(load());
  }, [load, run]);
  const act = (work: Promise<unknown>) => run(work.then(load).then(props.onChange));
  const { ask, dialog } = useConfirm();
  /** Ask first, then do it (the work starts only once confirmed). */
  const confirmThen = (request: Parameters<typeof ask>[0], work: () => Promise<unknown>) => ask(request, () => act(work()));

  return (
    <>
      {dialog}
      <h1>Security</h1>
      <ErrorText error={error} />
      {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />}
      <section aria-labelledby="factors-title">
        <h2 id="factors-title">Sign-in methods</h2>
        <ul>
          {factors?.passkeys.map((p) => (
            <li key={p.id}>
              Passkey added {formatWhen(p.createdAt)}, last used {formatWhen(p.lastUsedAt)}{' '}
              <button type="button" className="link" onClick={() => confirmThen({ title: 'Remove this passkey?', message: `The passkey added ${formatWhen(p.createdAt)} will no longer sign you in. Keep at least one other way to sign in.`, action: 'Remove passkey' }, () => api('DELETE', `/api/v1/me/factors/passkey/${encodeURIComponent(p.id)}`))}>
                Remove<span className="visually-hidden"> the passkey added {formatWhen(p.createdAt)}</span>
              </button>
            </li>
          ))}
          {factors?.hasTotp && (
            <li>
              Authenticator app{' '}
              <button type="button" className="link" onClick={() => confirmThen({ title: 'Remove the authenticator app?', message: 'Its codes will no longer sign you in. Keep at least one other way to sign in.', action: 'Remove authenticator app' }, () => api('DELETE', '/api/v1/me/factors/totp'))}>
                Remove<span className="visually-hidden"> the authenticator app</span>
              </button>
            </li>
          )}
          <li>
            {factors?.recoveryCodesLeft ?? 0} recovery codes left{' '}
            <button type="button" className="link" onClick={() => act(api<RecoveryCodesIssued>('POST', '/api/v1/me/recovery-codes').then((r) => setCodes(r.recoveryCodes)))}>
              Make new codes
            </button>
          </li>
        </ul>
        {props.state.steppedUp ? (
          <EnrolFactors passkeyRequired={props.state.passkeyRequired ?? false} onEnrolled={(c) => act(Promise.resolve(c && setCodes(c)))} />
        ) : (
          <StepUp state={props.state} onDone={() => void props.onChange()} />
        )}
      </section>
      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Where you are signed in</h2>
        <Table
          headings={['Browser', 'Address', 'Signed in', 'Last active', <span className="visually-hidden">Action</span>]}
          rows={(sessions ?? []).map((s) => ({
            key: s.id,
            cells: [
              s.userAgent ?? 'Unknown',
              s.ip ?? '—',
              formatWhen(s.createdAt),
              formatWhen(s.lastSeenAt),
              s.isCurrent ? (
                'This browser'
              ) : (
                <button type="button" className="link" onClick={() => confirmThen({ title: 'Sign out that browser?', message: `${s.userAgent ?? 'That browser'} is signed out at once; anything unsaved there is lost.`, action: 'Sign it out' }, () => api('DELETE', `/api/v1/me/sessions/${s.id}`))}>
                  Sign out<span className="visually-hidden"> that browser</span>
                </button>
              ),
            ],
          }))}
        />
        <button type="button" onClick={() => confirmThen({ title: 'Sign out everywhere?', message: 'Every browser where you are signed in, this one too, is signed out at once.', action: 'Sign out everywhere' }, () => api('POST', '/api/v1/auth/logout-everywhere').then(() => window.location.assign('/')))}>
          Sign out everywhere
        </button>
      </section>
    </>
  );
}
