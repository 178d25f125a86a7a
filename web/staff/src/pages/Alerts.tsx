/** Alerts (DPO and administrators) and lockdown approvals (any reader, for others' requests). */
import { useCallback, useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { Alert, AlertList, ApprovalRequest, ApprovalRequestList } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction } from '../hooks.js';
import { Link } from '../router.js';

export function AlertsPage() {
  const [status, setStatus] = useState('open');
  const [alerts, setAlerts] = useState<Alert[]>();
  const { error, run } = useAction();
  const load = useCallback(async () => setAlerts((await api<AlertList>('GET', `/api/v1/alerts?status=${status}`)).alerts), [status]);
  useEffect(() => {
    void run(load());
  }, [load, run]);
  const act = (id: string, step: 'acknowledge' | 'resolve') => run(api('POST', `/api/v1/alerts/${id}/${step}`).then(load));
  return (
    <>
      <h1>Alerts</h1>
      <label htmlFor="alert-status">Show</label>{' '}
      <select id="alert-status" value={status} onChange={(event) => setStatus(event.target.value)}>
        <option value="open">Open</option>
        <option value="acknowledged">Acknowledged</option>
        <option value="resolved">Resolved</option>
        <option value="all">All</option>
      </select>
      <ErrorText error={error} />
      {alerts?.length === 0 && <p>No alerts here.</p>}
      <ul className="cards">
        {alerts?.map((a) => (
          <li key={a.id} className={`severity-${a.severity}`}>
            <p>
              <strong>{a.severity.toUpperCase()}</strong> · {a.rule} · {formatWhen(a.at)} · {a.status}
            </p>
            <p>{a.detail}</p>
            <p>
              Staff: {a.staff?.name ?? '—'} · people involved: {a.personCount}
            </p>
            {a.status === 'open' && (
              <button type="button" onClick={() => void act(a.id, 'acknowledge')}>
                Acknowledge
              </button>
            )}{' '}
            {a.status !== 'resolved' && (
              <button type="button" onClick={() => void act(a.id, 'resolve')}>
                Resolve
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

export function ApprovalsPage() {
  const [requests, setRequests] = useState<ApprovalRequest[]>();
  const { error, run } = useAction();
  const load = useCallback(async () => setRequests((await api<ApprovalRequestList>('GET', '/api/v1/approval-requests')).requests), []);
  useEffect(() => {
    void run(load());
  }, [load, run]);
  return (
    <>
      <h1>Approvals (lockdown)</h1>
      <p>During lockdown every opening of a person’s record needs a second person. Approve only what you would open yourself; each approval lasts 30 minutes and is recorded.</p>
      <ErrorText error={error} />
      {requests?.length === 0 && <p>No requests waiting.</p>}
      <ul className="cards">
        {requests?.map((r) => (
          <li key={r.id}>
            <p>
              {r.requester} asked at {formatWhen(r.requestedAt)} to open <Link to={`/enquiries/${r.enquiryId}`}>this enquiry</Link>.
            </p>
            <button type="button" onClick={() => void run(api('POST', `/api/v1/approval-requests/${r.id}/approve`).then(load))}>
              Approve
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
