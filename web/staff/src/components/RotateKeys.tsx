/** Rotating encryption keys: pick the domains, give the unseal passphrase (and be stepped up). */
import { useState } from 'react';
import { api } from '../api.js';
import type { KeysRotated } from '../api-types.js';
import { useAction } from '../hooks.js';
import { ErrorText } from './ErrorText.js';

/** Rotate form; `url` is the admin route or an incident's containment route. */
export function RotateKeys(props: { url: string; onDone?: () => void }) {
  const { error, run } = useAction();
  const [done, setDone] = useState<string>();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        void run(
          api<KeysRotated>('POST', props.url, { domains: data.getAll('domain'), passphrase: data.get('passphrase') }).then((r) => {
            form.reset();
            setDone(`Rotated: ${r.rotated.join(', ')}. Person keys are being re-wrapped in the background; Tacet stays available.`);
            props.onDone?.();
          }),
        );
      }}
    >
      <fieldset>
        <legend>Keys to rotate</legend>
        {['contact', 'enquiry', 'clinical', 'photo', 'financial', 'intake'].map((domain) => (
          <label key={domain} className="check">
            <input type="checkbox" name="domain" value={domain} /> {domain === 'intake' ? 'intake (the public form’s key pair; the old one opens the inbox until drained, then is destroyed)' : domain}
          </label>
        ))}
      </fieldset>
      <label htmlFor="rotate-passphrase">Unseal passphrase (the vault key is never kept in memory)</label>
      <input id="rotate-passphrase" name="passphrase" type="password" autoComplete="off" required />
      <ErrorText error={error} />
      {done && <p role="status">{done}</p>}
      <button type="submit">Rotate</button>
    </form>
  );
}
