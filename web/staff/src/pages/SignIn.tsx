/** Sign-in: password, then a second factor; at first login, enrolment of one. */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { useState } from 'react';
import { api } from '../api.js';
import type { AuthState, FactorEnrolled, TotpEnrolment } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction } from '../hooks.js';

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

/** Passkey ceremony against our endpoints (sign-in or step-up). */
export async function verifyWithPasskey(): Promise<void> {
  const optionsJSON = await api<Parameters<typeof startAuthentication>[0]['optionsJSON']>('POST', '/api/v1/auth/passkey/options');
  const response = await startAuthentication({ optionsJSON });
  await api('POST', '/api/v1/auth/passkey', { response });
}

export function CodeForm(props: { label: string; url: string; onDone: () => void; autoComplete?: string }) {
  const { error, run } = useAction();
  const id = `code-${props.url.replace(/\W/g, '')}`;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const code = String(new FormData(event.currentTarget).get('code'));
        void run(api('POST', props.url, { code }).then(props.onDone));
      }}
    >
      <label htmlFor={id}>{props.label}</label>
      <input id={id} name="code" autoComplete={props.autoComplete ?? 'one-time-code'} required />
      <ErrorText error={error} />
      <button type="submit">Verify</button>
    </form>
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

export function RecoveryCodes(props: { codes: readonly string[]; onDone: () => void }) {
  return (
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Your recovery codes</h2>
      <p>Each code works once if you lose your passkey or authenticator. Store them somewhere safe now: they are not shown again.</p>
      <ul className="codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={props.onDone}>
        I have saved them
      </button>
    </section>
  );
}

/** Enrol a factor: forced at first login; also used from the security page after step-up. */
export function EnrolFactors(props: { passkeyRequired: boolean; onEnrolled: (recoveryCodes?: string[]) => void }) {
  const { error, run } = useAction();
  const [totp, setTotp] = useState<TotpEnrolment>();
  const addPasskey = async () => {
    const optionsJSON = await api<Parameters<typeof startRegistration>[0]['optionsJSON']>('POST', '/api/v1/me/factors/passkey/options');
    const response = await startRegistration({ optionsJSON });
    const result = await api<FactorEnrolled>('POST', '/api/v1/me/factors/passkey', { response });
    props.onEnrolled(result.recoveryCodes);
  };
  return (
    <>
      <section>
        <h2>Passkey (recommended)</h2>
        <p>Use this device’s screen lock, a phone, or a security key. Passkeys cannot be phished.</p>
        <button type="button" onClick={() => void run(addPasskey())}>
          Create a passkey
        </button>
      </section>
      {!props.passkeyRequired && (
        <section>
          <h2>Authenticator app</h2>
          {totp ? (
            <>
              <img src={totp.qrSvgDataUrl} alt="QR code to scan with your authenticator app" width={200} height={200} />
              <p>
                Or enter this key: <code className="secret">{totp.secret}</code>
              </p>
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  const code = String(new FormData(event.currentTarget).get('code'));
                  void run(api<FactorEnrolled>('POST', '/api/v1/me/factors/totp/confirm', { code }).then((result) => props.onEnrolled(result.recoveryCodes)));
                }}
              >
                <label htmlFor="totp-confirm">Code from the app</label>
                <input id="totp-confirm" name="code" autoComplete="one-time-code" inputMode="numeric" required />
                <button type="submit">Confirm</button>
              </form>
            </>
          ) : (
            <button type="button" onClick={() => void run(api<TotpEnrolment>('POST', '/api/v1/me/factors/totp/start').then(setTotp))}>
              Set up an authenticator app
            </button>
          )}
        </section>
      )}
      <ErrorText error={error} />
    </>
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
