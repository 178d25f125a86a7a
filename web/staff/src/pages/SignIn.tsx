/** The sign-in stages: password, then a second factor; at first login, enrolment of one. */
import { useState } from 'react';
import { api } from '../api.js';
import type { AuthState } from '../api-types.js';
import { CodeForm } from '../components/CodeForm.js';
import { EnrolFactors } from '../components/EnrolFactors.js';
import { ErrorText } from '../components/ErrorText.js';
import { RecoveryCodes } from '../components/RecoveryCodes.js';
import { useAction } from '../hooks.js';
import { verifyWithPasskey } from '../passkey.js';

export function SignInPage(props: { onDone: (state: AuthState) => void }) {
  const { error, busy, run } = useAction();
  return (
    <main className="narrow">
      <h1>Sign in to Tacet</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          void run(api<AuthState>('POST', '/api/v1/auth/login', { email: String(data.get('email')), password: String(data.get('password')) }).then(props.onDone));
        }}
      >
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

export function SecondFactorPage(props: { state: AuthState; onDone: () => void }) {
  const { error, run } = useAction();
  const [useRecovery, setUseRecovery] = useState(false);
  return (
    <main className="narrow">
      <h1>Confirm it is you</h1>
      {props.state.factors?.passkey && (
        <section>
          <button type="button" onClick={() => void run(verifyWithPasskey().then(props.onDone))}>
            Use your passkey
          </button>
          <ErrorText error={error} />
        </section>
      )}
      {props.state.factors?.totp && <CodeForm label="Authenticator code" url="/api/v1/auth/totp" onDone={props.onDone} />}
      {useRecovery ? (
        <CodeForm label="Recovery code" url="/api/v1/auth/recovery" onDone={props.onDone} autoComplete="off" />
      ) : (
        <button type="button" className="link" onClick={() => setUseRecovery(true)}>
          Use a recovery code instead
        </button>
      )}
    </main>
  );
}

export function EnrolPage(props: { state: AuthState; onDone: () => void }) {
  const [codes, setCodes] = useState<string[]>();
  if (codes) {
    return (
      <main className="narrow">
        <RecoveryCodes codes={codes} onDone={props.onDone} />
      </main>
    );
  }
  return (
    <main className="narrow">
      <h1>Set up your second factor</h1>
      <p>Tacet protects patients’ most private data, so every account needs a second factor: you cannot open any patient record until it is set up.{props.state.passkeyRequired ? ' Your role requires a passkey.' : ''}</p>
      <EnrolFactors passkeyRequired={props.state.passkeyRequired ?? false} onEnrolled={(recoveryCodes) => (recoveryCodes ? setCodes(recoveryCodes) : props.onDone())} />
    </main>
  );
}
