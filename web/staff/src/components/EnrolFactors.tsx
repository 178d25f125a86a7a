/** Adding a second factor: a passkey, or an authenticator app (scan a QR code, confirm a code). */
import { useState } from 'react';
import { api } from '../api.js';
import type { FactorEnrolled, TotpEnrolment } from '../api-types.js';
import { useAction } from '../hooks.js';
import { registerPasskey } from '../passkey.js';
import { ErrorText } from './ErrorText.js';

/** Enrol a factor: forced at first login; also used from the security page after step-up. */
export function EnrolFactors(props: { passkeyRequired: boolean; onEnrolled: (recoveryCodes?: string[]) => void }) {
  const { error, run } = useAction();
  const [totp, setTotp] = useState<TotpEnrolment>();
  const addPasskey = async () => props.onEnrolled((await registerPasskey()).recoveryCodes);
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
