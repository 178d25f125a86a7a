/** Step-up: confirm it is you again (passkey or authenticator code) before a sensitive change. */
import type { AuthState } from '../api-types.js';
import { useAction } from '../hooks.js';
import { verifyWithPasskey } from '../passkey.js';
import { CodeForm } from './CodeForm.js';
import { ErrorText } from './ErrorText.js';

export function StepUp(props: { state: AuthState; onDone: () => void; why?: string }) {
  const { error, run } = useAction();
  return (
    <section className="notice" aria-labelledby="stepup-title">
      <h2 id="stepup-title">Confirm it is you</h2>
      <p>{props.why ?? 'Changing your sign-in methods needs a fresh confirmation'} (valid for 5 minutes).</p>
      {props.state.factors?.passkey && (
        <button type="button" onClick={() => void run(verifyWithPasskey().then(props.onDone))}>
          Confirm with passkey
        </button>
      )}
      {props.state.factors?.totp && <CodeForm label="Authenticator code" url="/api/v1/auth/totp" onDone={props.onDone} />}
      <ErrorText error={error} />
    </section>
  );
}
