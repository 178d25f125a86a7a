/** Quarterly access reviews: clinic managers re-certify or remove each role; unreviewed roles are suspended when the review falls due. */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { AccessReview, AccessReviewsOpened } from '../api-types.js';
import { useAction, useResource } from '../hooks.js';
import { useConfirm } from '../components/ConfirmDialog.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';

export function AccessReviewsPage(props: { staffId: string; canDecide: boolean; canOpen: boolean }) {
  const { data, error, setError, reload } = useResource<AccessReview[]>('/api/v1/access-reviews');
  const [note, setNote] = useState<string>();
  const { run } = useAction(setError);
  const { ask, dialog } = useConfirm();
  const decide = (review: string, staff: string, decision: 'kept' | 'removed') => run(api('POST', `/api/v1/access-reviews/${review}/items/${staff}`, { decision }).then(reload));
  return (
    <>
      {dialog}
      <h1>Access reviews</h1>
      <p>Each quarter, every clinic’s manager confirms that each person still needs their role. A role not confirmed by the due date is suspended until someone confirms it.</p>
      {props.canOpen && (
        <div className="row">
          <button type="button" onClick={() => void run(api<AccessReviewsOpened>('POST', '/api/v1/access-reviews/open').then((r) => (setNote(`${r.opened} review(s) opened, ${r.suspended} role(s) suspended.`), reload())))}>
            Open this quarter’s reviews and apply due dates now
          </button>
          {note && <span role="status">{note}</span>}
        </div>
      )}
      <ErrorText error={error} />
      {(data ?? []).map((review) => (
        <section key={review.id} aria-labelledby={`review-${review.id}`}>
          <h2 id={`review-${review.id}`}>
            {review.clinicName}, {review.period}
          </h2>
          <p className={!review.closedAt && review.dueAt < new Date().toISOString() ? 'overdue' : undefined}>
            Opened {formatWhen(review.openedAt)}, due {formatWhen(review.dueAt)}
            {review.closedAt ? `, closed ${formatWhen(review.closedAt)}` : ''}
          </p>
          <Table
            headings={['Staff member', 'Role', 'Decision', '']}
            rows={review.items.map((item) => ({
              key: item.staffId,
              cells: [
                item.name,
                item.role,
                item.decision + (item.decidedAt ? ` (${formatWhen(item.decidedAt)})` : ''),
                props.canDecide && item.staffId !== props.staffId && (item.decision === 'pending' || item.decision === 'suspended') ? (
                  <span className="row">
                    <button type="button" onClick={() => void decide(review.id, item.staffId, 'kept')}>
                      Still needed
                    </button>
                    <button type="button" className="secondary" onClick={() => ask({ title: `Remove ${item.name}’s role?`, message: `${item.name} loses the ${item.role} role at ${review.clinicName} at once.`, action: `Remove ${item.name}’s role` }, () => decide(review.id, item.staffId, 'removed'))}>
                      Remove role<span className="visually-hidden"> of {item.name}</span>
                    </button>
                  </span>
                ) : (
                  ''
                ),
              ],
            }))}
          />
        </section>
      ))}
      {data && data.length === 0 && <p>No reviews yet.</p>}
    </>
  );
}
