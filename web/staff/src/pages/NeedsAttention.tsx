/**
 * Needs attention: enquiries the core could not accept on its own. The list
 * is metadata only; opening one is an audited read through the door. Staff
 * correct what the form's rules refused and accept it, or discard it with a
 * reason (after a confirmation).
 */
import { useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { ApiErrorBody, DiscardReason, QuarantineAccepted, QuarantineList, QuarantineView } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Loading } from '../components/Loading.js';
import { Table } from '../components/Table.js';
import { useAction, usePagedList, useResource } from '../hooks.js';
import { Link, navigate } from '../router.js';

/** A short name for each reason (the long one comes from the server). */
const REASON_LABEL: Record<string, string> = {
  'invalid-fields': 'Answers to correct',
  'unknown-clinic': 'Clinic not known',
  'invalid-json': 'Not a form',
  'unknown-key': 'Cannot be opened (key)',
  'open-failed': 'Damaged on the way',
};

const DISCARD_LABEL: Record<DiscardReason, string> = {
  spam: 'Spam or abuse',
  test: 'A test, not a real person',
  duplicate: 'Already received another way',
  unreadable: 'Cannot be read',
  withdrawn: 'The person withdrew it',
  other: 'Other',
};

const FIELDS: readonly { name: string; label: string; type?: string; autoComplete?: string }[] = [
  { name: 'name', label: 'Full name', autoComplete: 'off' },
  { name: 'email', label: 'E-mail', type: 'email', autoComplete: 'off' },
  { name: 'phone', label: 'Phone', type: 'tel', autoComplete: 'off' },
  { name: 'dob', label: 'Date of birth (YYYY-MM-DD, optional)', autoComplete: 'off' },
  { name: 'address', label: 'Address (optional)', autoComplete: 'off' },
  { name: 'procedure', label: 'Procedure of interest', autoComplete: 'off' },
];

/** "5 min", "3 h", "2 days": how long the person has waited. */
export function formatAge(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} days`;
}

export function NeedsAttentionListPage() {
  const { rows, error, hasMore, busy, loadMore } = usePagedList('/api/v1/needs-attention?limit=50', (page: QuarantineList) => page.items);
  return (
    <>
      <h1>Needs attention</h1>
      <p>Enquiries that could not be accepted on their own. Each one is a person waiting for an answer: open it, correct it and accept it, or discard it with a reason.</p>
      <ErrorText error={error} />
      {rows && rows.length === 0 && <p role="status">Nothing needs attention. Every enquiry has reached the list.</p>}
      {rows && rows.length > 0 && (
        <Table
          headings={['What is wrong', 'Clinic', 'Received', 'Waiting']}
          rows={rows.map((row) => ({
            key: row.id,
            cells: [<Link to={`/needs-attention/${row.id}`}>{REASON_LABEL[row.reason] ?? row.reason}</Link>, row.clinic?.name ?? `Unknown (${row.clinicSlug})`, formatWhen(row.receivedAt), formatAge(row.ageMinutes)],
          }))}
        />
      )}
      {hasMore && (
        <button type="button" className="secondary" disabled={busy} onClick={loadMore}>
          Show older
        </button>
      )}
    </>
  );
}

function CorrectForm(props: { item: QuarantineView; onAccepted: (result: QuarantineAccepted) => void }) {
  const { item } = props;
  const fields = item.fields ?? {};
  const issues = new Map(item.issues.map((issue) => [issue.field, issue.message]));
  const [stillInvalid, setStillInvalid] = useState<readonly string[]>([]);
  const { error, setError, busy, run } = useAction();
  const needsClinic = item.clinic === null;
  const message = (field: string) => issues.get(field) ?? (stillInvalid.includes(field) ? 'This still does not pass the form’s rules.' : undefined);

  return (
    <form
      className="wide-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const corrected: Record<string, string | boolean> = {};
        for (const field of FIELDS) corrected[field.name] = String(data.get(field.name) ?? '');
        corrected.message = String(data.get('message') ?? '');
        corrected.consent = data.get('consent') === 'on';
        corrected.acknowledge = data.get('acknowledge') === 'on';
        const clinicId = String(data.get('clinicId') ?? '');
        setError(undefined);
        void run(
          api<QuarantineAccepted>('POST', `/api/v1/needs-attention/${item.id}/accept`, { fields: corrected, ...(clinicId ? { clinicId } : {}) })
            .then(props.onAccepted)
            .catch((e: unknown) => {
              const body = (e as { body?: ApiErrorBody }).body;
              if (body?.code === 'VALIDATION_FAILED') setStillInvalid(body.fields ?? []);
              throw e;
            }),
        );
      }}
    >
      <h2>Correct and accept</h2>
      {needsClinic && (
        <div className="field">
          <label htmlFor="qa-clinic">Clinic this enquiry is for</label>
          <select id="qa-clinic" name="clinicId" required defaultValue="">
            <option value="" disabled>
              Choose a clinic
            </option>
            {item.clinicChoices.map((clinic) => (
              <option key={clinic.id} value={clinic.id}>
                {clinic.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {FIELDS.map((field) => {
        const problem = message(field.name);
        return (
          <div className="field" key={field.name}>
            <label htmlFor={`qa-${field.name}`}>{field.label}</label>
            <input
              id={`qa-${field.name}`}
              name={field.name}
              type={field.type ?? 'text'}
              defaultValue={String(fields[field.name] ?? '')}
              autoComplete={field.autoComplete}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `qa-${field.name}-problem` : undefined}
            />
            {problem && (
              <p className="error" id={`qa-${field.name}-problem`}>
                {problem}
              </p>
            )}
          </div>
        );
      })}
      <div className="field">
        <label htmlFor="qa-message">Message</label>
        <textarea id="qa-message" name="message" defaultValue={String(fields.message ?? '')} rows={4} />
      </div>
      <label className="check">
        <input type="checkbox" name="consent" defaultChecked={fields.consent === true} aria-invalid={message('consent') ? true : undefined} /> The person agreed that the clinic may contact them
      </label>
      {message('consent') && <p className="error">{message('consent')}</p>}
      <label className="check">
        <input type="checkbox" name="acknowledge" defaultChecked={fields.acknowledge === true} /> They asked for an e-mail acknowledgement
      </label>
      <ErrorText error={error} />
      <button type="submit" disabled={busy}>
        Accept enquiry
      </button>
    </form>
  );
}

function Discard(props: { id: string }) {
  const [reason, setReason] = useState<DiscardReason | ''>('');
  const [isConfirming, setConfirming] = useState(false);
  const { error, busy, run } = useAction();
  return (
    <section aria-labelledby="qa-discard-heading">
      <h2 id="qa-discard-heading">Discard</h2>
      <div className="field">
        <label htmlFor="qa-reason">Why discard it?</label>
        <select id="qa-reason" value={reason} onChange={(event) => setReason(event.target.value as DiscardReason)}>
          <option value="" disabled>
            Choose a reason
          </option>
          {Object.entries(DISCARD_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {!isConfirming ? (
        <div className="row">
          <button type="button" className="secondary" disabled={reason === ''} onClick={() => setConfirming(true)}>
            Discard…
          </button>
        </div>
      ) : (
        <div className="notice" role="alertdialog" aria-labelledby="qa-confirm-text">
          <p id="qa-confirm-text">Discard this enquiry for good? Its sealed envelope is deleted and cannot be recovered. The reason is recorded.</p>
          <div className="row">
            <button type="button" disabled={busy} onClick={() => void run(api('POST', `/api/v1/needs-attention/${props.id}/discard`, { reason }).then(() => navigate('/needs-attention')))}>
              Yes, discard it
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <ErrorText error={error} />
    </section>
  );
}

export function NeedsAttentionDetailPage(props: { id: string }) {
  const { data: item, error } = useResource<QuarantineView>(`/api/v1/needs-attention/${props.id}`);
  const [accepted, setAccepted] = useState<QuarantineAccepted>();
  if (error) {
    return (
      <>
        <h1>Needs attention</h1>
        <ErrorText error={error} />
        <Link to="/needs-attention">← Back to the list</Link>
      </>
    );
  }
  if (!item) return <Loading />;
  if (accepted) {
    return (
      <>
        <h1>Accepted</h1>
        <p role="status">
          {accepted.isDuplicate ? 'This enquiry had already arrived; nothing new was stored.' : `The enquiry is in the list as ${accepted.reference}.`}{' '}
          {accepted.enquiryId && <Link to={`/enquiries/${accepted.enquiryId}`}>Open {accepted.reference}</Link>}
        </p>
        <Link to="/needs-attention">← Back to the list</Link>
      </>
    );
  }
  return (
    <>
      <p>
        <Link to="/needs-attention">← Back to the list</Link>
      </p>
      <h1>{REASON_LABEL[item.reason] ?? item.reason}</h1>
      <p>{item.reasonText}</p>
      <dl className="detail">
        <dt>Clinic</dt>
        <dd>{item.clinic?.name ?? `Not known (the form said “${item.clinicSlug}”)`}</dd>
        <dt>Received</dt>
        <dd>{formatWhen(item.receivedAt)}</dd>
        <dt>Waiting</dt>
        <dd>{formatAge(item.ageMinutes)}</dd>
        <dt>Reference</dt>
        <dd>{item.reference ?? '—'}</dd>
      </dl>
      {item.text !== null && (
        <section aria-labelledby="qa-text-heading">
          <h2 id="qa-text-heading">What the form sent</h2>
          <pre className="document">{item.text}</pre>
        </section>
      )}
      {item.canOpen ? <CorrectForm item={item} onAccepted={setAccepted} /> : <p className="notice">This envelope cannot be opened, so there is nothing to correct. Keep it (nothing is lost while it waits here) or discard it.</p>}
      <Discard id={item.id} />
    </>
  );
}

/** The menu's count of what needs attention (nothing shown at zero). */
export function NeedsAttentionBadge(props: { path: string }) {
  const { data, reload } = useResource<{ count: number }>('/api/v1/needs-attention/count');
  // Counted again on every page change (after an accept or a discard, the list is where staff go back to).
  useEffect(() => {
    void reload();
  }, [props.path, reload]);
  if (!data || data.count === 0) return null;
  return (
    <span className="badge">
      {data.count}
      <span className="visually-hidden"> waiting</span>
    </span>
  );
}
