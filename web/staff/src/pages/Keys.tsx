/** Key rotation: the domain keys, re-wrap progress, and a rotate form (unseal passphrase + step-up). */
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import type { KeysRotated, KeyStatus } from '../api-types.js';
import { useAction, useResource } from '../hooks.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';

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

export function KeysPanel() {
  const { data, error, reload } = useResource<KeyStatus>('/api/v1/keys');
  useEffect(() => {
    const timer = setInterval(() => void reload(), 5_000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <section>
      <h2>Encryption keys</h2>
      <ErrorText error={error} />
      <Table
        headings={['Domain', 'Active key', 'Versions', 'Re-wrap progress']}
        rows={(data?.domains ?? []).map((d) => ({
          key: d.domain,
          cells: [
            d.domain,
            d.activeKeyId,
            d.versions.map((v) => `${v.id} (${v.status})`).join(', '),
            <>
              <progress max={Math.max(1, d.personKeys)} value={d.personKeys - d.toRewrap} aria-label={`${d.domain} re-wrap progress`} /> {d.personKeys - d.toRewrap} / {d.personKeys}
            </>,
          ],
        }))}
      />
      <details>
        <summary>Rotate keys</summary>
        <RotateKeys url="/api/v1/keys/rotate" onDone={() => void reload()} />
      </details>
    </section>
  );
}
