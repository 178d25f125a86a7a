/** The signed-in person's own security: factors, recovery codes, sessions, password. */
import { useCallback, useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { AuthState, RecoveryCodesIssued, StaffFactors, StaffSession, StaffSessionList } from '../api-types.js';
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

  return (
    <>
      <h1>Security</h1>
      <ErrorText error={error} />
      {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />}
      <section aria-labelledby="factors-title">
        <h2 id="factors-title">Sign-in methods</h2>
        <ul>
          {factors?.passkeys.map((p) => (
            <li key={p.id}>
              Passkey added {formatWhen(p.createdAt)}, last used {formatWhen(p.lastUsedAt)}{' '}
              <button type="button" className="link" onClick={() => act(api('DELETE', `/api/v1/me/factors/passkey/${encodeURIComponent(p.id)}`))}>
                Remove
              </button>
            </li>
          ))}
          {factors?.hasTotp && (
            <li>
              Authenticator app{' '}
              <button type="button" className="link" onClick={() => act(api('DELETE', '/api/v1/me/factors/totp'))}>
                Remove
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
                <button type="button" className="link" onClick={() => act(api('DELETE', `/api/v1/me/sessions/${s.id}`))}>
                  Sign out
                </button>
              ),
            ],
          }))}
        />
        <button type="button" onClick={() => act(api('POST', '/api/v1/auth/logout-everywhere').then(() => window.location.assign('/')))}>
          Sign out everywhere
        </button>
      </section>
    </>
  );
}
