/** Enquiry list (metadata only) and detail (opened through the audited door). */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, describeError, formatWhen } from '../api.js';
import type { EnquiryConverted, EnquiryDetail, EnquiryList } from '../api-types.js';
import { Link, navigate } from '../router.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { useAction, usePagedList } from '../hooks.js';
import { Loading } from '../components/Loading.js';
import { EnquiryWork } from './FrontDesk.js';

export function EnquiryListPage() {
  const [reference, setReference] = useState('');
  const { rows, error, hasMore, busy, loadMore } = usePagedList(reference ? `/api/v1/enquiries?reference=${encodeURIComponent(reference)}` : '/api/v1/enquiries', (page: EnquiryList) => page.enquiries);
  return (
    <>
      <h1>Enquiries</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setReference(String(new FormData(event.currentTarget).get('reference') ?? '').trim().toUpperCase());
        }}
      >
        <label htmlFor="find-reference">Find by reference</label>
        <input id="find-reference" name="reference" placeholder="ENQ-XXXXX-XXXXX" pattern="[Ee][Nn][Qq]-[0-9A-Za-z\-]{4,20}" title="A reference like ENQ-7K2QF-M9XHD" />
        <button type="submit">Find</button>
        {reference && (
          <button type="button" className="secondary" onClick={() => setReference('')}>
            Show all
          </button>
        )}
      </form>
      <ErrorText error={error} />
      {rows && rows.length === 0 && <p>{reference ? `No enquiry with the reference ${reference} that you may see.` : 'No enquiries yet.'}</p>}
      {rows && rows.length > 0 && (
        <Table
          headings={['Reference', 'Clinic', 'Stage', 'Received']}
          rows={rows.map((row) => ({ key: row.id, cells: [<Link to={`/enquiries/${row.id}`}>{row.reference}</Link>, row.clinic.name, row.status, formatWhen(row.receivedAt)] }))}
        />
      )}
      {hasMore && (
        <button type="button" className="secondary" disabled={busy} onClick={loadMore}>
          Show older enquiries
        </button>
      )}
    </>
  );
}

function BreakGlass(props: { id: string; onGranted: () => void }) {
  const { error, run } = useAction();
  return (
    <details>
      <summary>Emergency access (break-glass)</summary>
      <p>Only in a genuine emergency. Access lasts 30 minutes, is recorded, and the data-protection officer reviews it.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const justification = String(new FormData(event.currentTarget).get('justification'));
          void run(api('POST', `/api/v1/enquiries/${props.id}/break-glass`, { justification }).then(props.onGranted));
        }}
      >
        <label htmlFor="justification">Why do you need access now? (at least 20 characters)</label>
        <textarea id="justification" name="justification" minLength={20} maxLength={2000} required />
        <ErrorText error={error} />
        <button type="submit">Request emergency access</button>
      </form>
    </details>
  );
}

export function EnquiryDetailPage(props: { id: string; canConvert: boolean }) {
  const [detail, setDetail] = useState<EnquiryDetail>();
  const [error, setError] = useState<{ message: string; isNotFound: boolean; needsApproval: boolean }>();
  const [requested, setRequested] = useState(false);
  const { run } = useAction(useCallback((message: string) => setError({ message, isNotFound: false, needsApproval: false }), []));
  const load = () =>
    api<EnquiryDetail>('GET', `/api/v1/enquiries/${props.id}`)
      .then((d) => {
        setDetail(d);
        setError(undefined);
      })
      .catch((e: unknown) => setError({ message: describeError(e), isNotFound: e instanceof ApiError && e.status === 404, needsApproval: e instanceof ApiError && e.body.code === 'APPROVAL_REQUIRED' }));
  useEffect(() => {
    void load();
  }, [props.id]);
  if (error) {
    return (
      <>
        <h1>Enquiry</h1>
        <ErrorText error={error.message} />
        {error.isNotFound && <BreakGlass id={props.id} onGranted={() => void load()} />}
        {error.needsApproval &&
          (requested ? (
            <p role="status">Approval requested. Try again once a colleague has approved it.</p>
          ) : (
            <button type="button" onClick={() => api('POST', `/api/v1/enquiries/${props.id}/approval-requests`).then(() => setRequested(true))}>
              Ask a colleague to approve
            </button>
          ))}
      </>
    );
  }
  if (!detail) return <Loading />;
  return (
    <>
      <p>
        <Link to="/enquiries">← All enquiries</Link>
      </p>
      <h1>{detail.reference}</h1>
      <dl className="detail">
        <dt>Name</dt>
        <dd>{detail.contact.name}</dd>
        <dt>Email</dt>
        <dd>{detail.contact.email}</dd>
        <dt>Phone</dt>
        <dd>{detail.contact.phone}</dd>
        <dt>Date of birth</dt>
        <dd>{detail.contact.dateOfBirth ?? '—'}</dd>
        <dt>Address</dt>
        <dd>{detail.contact.address ?? '—'}</dd>
        <dt>Clinic</dt>
        <dd>{detail.clinic.name}</dd>
        <dt>Procedure of interest</dt>
        <dd>{detail.procedure}</dd>
        <dt>Message</dt>
        <dd className="message">{detail.message}</dd>
        <dt>Contact consent</dt>
        <dd>{detail.contactConsent ? 'Yes' : 'No'}</dd>
        <dt>Received</dt>
        <dd>{formatWhen(detail.receivedAt)}</dd>
        <dt>Source</dt>
        <dd>{detail.channel}</dd>
      </dl>
      {props.canConvert && (
        <button type="button" onClick={() => void run(api<EnquiryConverted>('POST', `/api/v1/enquiries/${props.id}/convert`).then((r) => navigate(`/patients/${r.patientId}`)))}>
          Make a patient record
        </button>
      )}
      <EnquiryWork detail={detail} onChange={load} />
    </>
  );
}
