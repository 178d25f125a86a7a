/** The /exports page: photo exports waiting for a second person's approval, and downloads of approved ones. */
import { api, formatWhen } from '../api.js';
import type { PhotoExportList } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { useAction, useResource } from '../hooks.js';

export function ExportsPage(props: { staffId: string }) {
  const { data, error, setError, reload: load } = useResource<PhotoExportList>('/api/v1/photo-exports');
  const { run } = useAction(setError);
  const rows = data?.exports;
  return (
    <>
      <h1>Photo exports</h1>
      <p>Exporting more than one patient’s photos needs a second person’s approval. Every exported image is watermarked for the person who downloads it.</p>
      <ErrorText error={error} />
      <Table
        headings={['Requested', 'By', 'Patients', 'Reason', 'State']}
        rows={(rows ?? []).map((r) => ({
          key: r.id,
          cells: [
            formatWhen(r.createdAt),
            r.requester,
            r.patientCount,
            r.reason,
            r.downloadedAt ? (
              'downloaded'
            ) : r.approvedAt ? (
              r.requesterId === props.staffId ? (
                <a href={`/api/v1/photo-exports/${r.id}/download`}>Download</a>
              ) : (
                'approved'
              )
            ) : r.requesterId === props.staffId ? (
              'waiting for approval'
            ) : (
              <button type="button" onClick={() => void run(api('POST', `/api/v1/photo-exports/${r.id}/approve`).then(load))}>
                Approve
              </button>
            ),
          ],
        }))}
      />
    </>
  );
}
