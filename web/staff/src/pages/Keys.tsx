/** The encryption keys panel (on the staff page): each domain's keys, re-wrap progress, and rotating them. */
import { useEffect } from 'react';
import type { KeyStatus } from '../api-types.js';
import { useResource } from '../hooks.js';
import { ErrorText } from '../components/ErrorText.js';
import { RotateKeys } from '../components/RotateKeys.js';
import { Table } from '../components/Table.js';

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
