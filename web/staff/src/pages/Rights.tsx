/**
 * Data-subject requests for the DPO: find the person (exact email or phone),
 * log the request with the date it arrived, and answer it before the
 * statutory deadline — export, erase (with any Art. 17(3) exceptions),
 * rectify, extend or refuse. Also the record of processing activities.
 */
import { useState } from 'react';
import { useConfirm } from '../components/ConfirmDialog.js';
import { api, formatWhen } from '../api.js';
import type { AuthState, PersonMatch, RightsRequest } from '../api-types.js';
import { useAction, useResource } from '../hooks.js';
import { StepUp } from '../components/StepUp.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';

const EXCEPTIONS: Record<string, string> = {
  'legal-obligation': 'Legal obligation: clinical and accounting records must be kept (Art. 17(3)(b))',
  'public-health': 'Public health: health-care records (Art. 17(3)(c))',
  'legal-claims': 'Legal claims, e.g. a legal hold (Art. 17(3)(e))',
  'archiving-research': 'Archiving or research (Art. 17(3)(d))',
  'freedom-of-expression': 'Freedom of expression (Art. 17(3)(a))',
};

/** What the DPO can do with a request; `run` is the page's (its errors show at the top). */
function RequestActions(props: { request: RightsRequest; onDone: () => void; run: (work: Promise<unknown>) => Promise<void> }) {
  const { request, onDone, run } = props;
  const { ask, dialog } = useConfirm();
  if (request.status !== 'open') return <span>{request.outcome}</span>;
  return (
    <div className="row">
      {dialog}
      {(request.kind === 'access' || request.kind === 'portability') && (
        <>
          <a href={`/api/v1/rights/requests/${request.id}/export`}>Download the export (ZIP)</a>
          <button type="button" className="secondary" onClick={() => void run(api('POST', `/api/v1/rights/requests/${request.id}/close`, { status: 'completed' }).then(onDone))}>
            Mark answered
          </button>
        </>
      )}
      {request.kind === 'erasure' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const exceptions = new FormData(event.currentTarget).getAll('exception').map(String);
            ask({
              title: 'Erase this person’s data?',
              message: exceptions.length === 0 ? 'Everything held about this person is erased, irreversibly: their keys are destroyed, so no backup can bring it back.' : `Everything not covered by the ${exceptions.length} exception(s) ticked is erased, irreversibly; what the exceptions cover is kept and restricted.`,
              action: 'Erase irreversibly',
            }, () => run(api('POST', `/api/v1/rights/requests/${request.id}/erase`, { exceptions }).then(onDone)));
          }}
        >
          <fieldset>
            <legend>Exceptions that apply (none = erase everything, irreversibly)</legend>
            {Object.entries(EXCEPTIONS).map(([code, label]) => (
              <label key={code} className="check">
                <input type="checkbox" name="exception" value={code} /> {label}
              </label>
            ))}
          </fieldset>
          <button type="submit">Erase</button>
        </form>
      )}
      {request.kind === 'rectification' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const changes = Object.fromEntries(['name', 'email', 'phone', 'dob', 'address'].map((f) => [f, String(data.get(f) ?? '').trim()]).filter(([, v]) => v !== ''));
            void run(api('POST', `/api/v1/rights/requests/${request.id}/rectify`, changes).then(onDone));
          }}
        >
          <p className="hint">Enter only the corrected fields.</p>
          {['name', 'email', 'phone', 'dob', 'address'].map((field) => (
            <label key={field} className="field">
              {field === 'dob' ? 'Date of birth' : field[0]?.toUpperCase() + field.slice(1)}
              <input name={field} type={field === 'dob' ? 'date' : field === 'email' ? 'email' : 'text'} autoComplete="off" />
            </label>
          ))}
          <button type="submit">Correct the record</button>
        </form>
      )}
      {!request.extensionReason && (
        <button type="button" className="secondary" onClick={() => void run(api('POST', `/api/v1/rights/requests/${request.id}/extend`, { reason: 'complex' }).then(onDone))}>
          Extend by two months (complex)
        </button>
      )}
      <button type="button" className="secondary" onClick={() => void run(api('POST', `/api/v1/rights/requests/${request.id}/close`, { status: 'refused', reason: 'identity-not-verified' }).then(onDone))}>
        Refuse (identity not verified)
      </button>
    </div>
  );
}

export function RightsPage(props: { state: AuthState; onChange: () => Promise<void> }) {
  const requests = useResource<RightsRequest[]>('/api/v1/rights/requests');
  const [matches, setMatches] = useState<PersonMatch[]>();
  const { error, setError, run } = useAction();
  const done = () => {
    setError(undefined);
    void requests.reload();
  };
  return (
    <>
      <h1>Data-subject requests</h1>
      <p>Requests must be answered within one calendar month of receipt (extendable by two months for complex or numerous requests). You can open a person’s data only while their request is open, and every opening is audited.</p>
      {!props.state.steppedUp && <StepUp state={props.state} onDone={() => void props.onChange()} why="Exports and erasure need a fresh confirmation" />}
      <ErrorText error={error ?? requests.error} />
      <h2>New request</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const email = String(data.get('email') ?? '').trim();
          const phone = String(data.get('phone') ?? '').trim();
          void run(api<PersonMatch[]>('POST', '/api/v1/rights/lookup', { ...(email ? { email } : {}), ...(phone ? { phone } : {}) }).then(setMatches));
        }}
      >
        <label htmlFor="lookup-email">The requester’s email</label>
        <input id="lookup-email" name="email" type="email" autoComplete="off" />
        <label htmlFor="lookup-phone">or phone</label>
        <input id="lookup-phone" name="phone" type="tel" autoComplete="off" />
        <button type="submit">Find</button>
      </form>
      {matches && matches.length === 0 && <p role="status">Nobody with that exact email or phone. Tell the requester we hold no data found under it, or ask for another identifier.</p>}
      {matches?.map((m) => (
        <form
          key={m.personId}
          className="notice"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            void run(
              api('POST', '/api/v1/rights/requests', { personId: m.personId, kind: String(data.get('kind')), receivedAt: String(data.get('receivedAt')) }).then(() => {
                setMatches(undefined);
                done();
              }),
            );
          }}
        >
          <p>
            Person known since {formatWhen(m.knownSince)}: {m.enquiries} enquiry(ies), {m.patientRecords} patient record(s).
          </p>
          <label htmlFor={`kind-${m.personId}`}>Request</label>
          <select id={`kind-${m.personId}`} name="kind">
            <option value="access">Access (Art. 15)</option>
            <option value="portability">Portability (Art. 20)</option>
            <option value="erasure">Erasure (Art. 17)</option>
            <option value="rectification">Rectification (Art. 16)</option>
          </select>
          <label htmlFor={`received-${m.personId}`}>Received on</label>
          <input id={`received-${m.personId}`} name="receivedAt" type="date" defaultValue={new Date().toISOString().slice(0, 10)} required />
          <button type="submit">Log the request</button>
        </form>
      ))}
      <h2>Requests</h2>
      <Table
        headings={['Kind', 'Received', 'Due', 'Status', 'Action']}
        rows={(requests.data ?? []).map((r) => ({
          key: r.id,
          cells: [
            r.kind,
            formatWhen(r.receivedAt),
            <span className={r.isOverdue ? 'overdue' : undefined}>
              {formatWhen(r.dueAt)}
              {r.isOverdue ? ' (overdue)' : ''}
              {r.extensionReason ? ' (extended)' : ''}
            </span>,
            r.status + (r.exceptions.length > 0 ? ` (exceptions: ${r.exceptions.join(', ')})` : ''),
            <RequestActions request={r} onDone={done} run={run} />,
          ],
        }))}
      />
      <h2>Record of processing activities (Art. 30)</h2>
      <p>
        Generated from Tacet’s data map and the live retention schedule: <a href="/api/v1/rights/record-of-processing?format=md">download (Markdown)</a>.
      </p>
    </>
  );
}
