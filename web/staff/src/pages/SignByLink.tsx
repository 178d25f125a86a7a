/** The patient's own signing page, opened from a signing link; no staff session. */
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import type { LinkForm } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { SigningPanel } from '../components/SigningPanel.js';
import { useAction } from '../hooks.js';

/** Public page for a signing link: /sign#<token> (the token never reaches server logs). */
export function SignByLinkPage() {
  const [token] = useState(() => window.location.hash.slice(1));
  const [form, setForm] = useState<LinkForm>();
  const { error, run } = useAction();
  const [signed, setSigned] = useState(false);
  useEffect(() => {
    // Keep the token out of the address bar and history once read.
    window.history.replaceState(null, '', '/sign');
    void run(api<LinkForm>('POST', '/api/v1/public/consent-links/form', { token }).then(setForm));
  }, [token, run]);
  return (
    <main className="narrow wide">
      <h1>Sign your consent form</h1>
      <ErrorText error={error} />
      {signed && <p role="status">Thank you. Your signed form is with the clinic. You can close this page.</p>}
      {form && !signed && <SigningPanel form={form} submit={(signing) => api('POST', '/api/v1/public/consent-links/sign', { token, ...signing })} onDone={() => setSigned(true)} />}
    </main>
  );
}
