/** One incident, step by step: indicators, scope, assessment and decision, reports, notices to people, containment and evidence. */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { Incident, NoticeCounts, StaffDirectory } from '../api-types.js';
import { useConfirm } from '../components/ConfirmDialog.js';
import { ErrorText } from '../components/ErrorText.js';
import { StaffPicker } from '../components/NamePicker.js';
import { RotateKeys } from '../components/RotateKeys.js';
import { useAction, useResource } from '../hooks.js';
import { Link } from '../router.js';
import { Clock, toIso } from './IncidentClock.js';
import { AssessmentAndDecision, type IncidentAct } from './IncidentDecision.js';

export function IncidentDetailPage(props: { id: string }) {
  const { data: incident, error, setError, reload } = useResource<Incident>(`/api/v1/incidents/${props.id}`);
  const { data: notices, reload: reloadNotices } = useResource<NoticeCounts>(`/api/v1/incidents/${props.id}/notices`);
  const { busy, run } = useAction(setError);
  const [kind, setKind] = useState('staff');
  const { data: directory } = useResource<StaffDirectory>('/api/v1/staff/directory');
  const staffNames = new Map((directory?.staff ?? []).map((s) => [s.id, s.name]));
  const { ask, dialog } = useConfirm();
  const act: IncidentAct = (method, url, body, after) =>
    void run(
      api(method, url, body).then((r) => {
        after?.(r);
        return Promise.all([reload(), reloadNotices()]);
      }),
    );
  if (!incident) return <ErrorText error={error} />;
  const base = `/api/v1/incidents/${incident.id}`;
  return (
    <>
      {dialog}
      <p>
        <Link to="/incidents">← Incidents</Link>
      </p>
      <h1>{incident.title}</h1>
      <p>
        {incident.regime} · aware {formatWhen(incident.awareAt)} · {incident.decision ? 'decision recorded' : <Clock deadline={incident.deadline} />}
      </p>
      <ErrorText error={error} />

      <section>
        <h2>1. Indicators</h2>
        <ul>
          {incident.indicators.map((i) => (
            <li key={i.id}>
              {i.kind}: {i.kind === 'staff' && staffNames.get(i.value) ? <strong>{staffNames.get(i.value)}</strong> : <code>{i.value}</code>} {i.from && `from ${formatWhen(i.from)}`} {i.to && `to ${formatWhen(i.to)}`}
            </li>
          ))}
        </ul>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            act('POST', `${base}/indicators`, { kind: data.get('kind'), value: data.get('value'), ...(data.get('from') ? { from: toIso(data.get('from')) } : {}), ...(data.get('to') ? { to: toIso(data.get('to')) } : {}) });
          }}
        >
          <label htmlFor="kind">Kind</label>
          <select id="kind" name="kind" value={kind} onChange={(event) => setKind(event.target.value)}>
            <option value="staff">Staff account</option>
            <option value="session">Session (id from the audit log)</option>
            <option value="ip-range">Address range (e.g. 203.0.113.0/24)</option>
            <option value="window">Everything read in a time window</option>
            <option value="component">Compromised component</option>
          </select>
          {kind === 'staff' ? (
            <StaffPicker id="value" name="value" label="Staff member (by name)" required includeDisabled />
          ) : (
            <>
              <label htmlFor="value">Value (for components: intake-tier, database-copy, backup, blob-store, or key:vault / key:contact.v1 …)</label>
              <input id="value" name="value" required maxLength={100} />
            </>
          )}
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="datetime-local" />
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="datetime-local" />
          <button type="submit" disabled={busy}>
            Add indicator
          </button>
        </form>
      </section>

      <section>
        <h2>2. Scope</h2>
        <button type="button" disabled={busy} onClick={() => act('POST', `${base}/scope`)}>
          Compute scope
        </button>
        {incident.scope && (
          <dl className="detail">
            <dt>People</dt>
            <dd>{incident.scope.persons}</dd>
            <dt>Records</dt>
            <dd>{incident.scope.records}</dd>
            <dt>Unintelligible (encrypted, keys not exposed)</dt>
            <dd>{incident.scope.unintelligible}</dd>
            <dt>Exposed in intelligible form</dt>
            <dd>{incident.scope.intelligible}</dd>
            <dt>Categories</dt>
            <dd>{Object.entries(incident.scope.categories).map(([c, n]) => `${c}: ${n}`).join(' · ') || '—'}</dd>
          </dl>
        )}
      </section>

      <AssessmentAndDecision incident={incident} busy={busy} act={act} />

      <section>
        <h2>4. Reports</h2>
        <div className="row">
          <button type="button" disabled={busy} onClick={() => act('POST', `${base}/reports`, { kind: incident.reports.length === 0 ? 'initial' : 'follow-up' })}>
            {incident.reports.length === 0 ? 'Generate initial report' : 'Generate follow-up report'}
          </button>
        </div>
        <ul>
          {incident.reports.map((r) => (
            <li key={r.version}>
              Version {r.version} ({r.kind}), {formatWhen(r.createdAt)}: <a href={`${base}/reports/${r.version}?format=pdf`}>PDF</a> · <a href={`${base}/reports/${r.version}?format=md`}>Markdown</a>
            </li>
          ))}
        </ul>
      </section>

      <section>
        <h2>5. Notices to people</h2>
        <p>
          Delivered {notices?.delivered ?? 0} · queued {notices?.queued ?? 0} · retrying {notices?.retrying ?? 0} · substitute notice needed {notices?.substitute ?? 0}
        </p>
        <button type="button" disabled={busy || !incident.decision?.notifyIndividuals} onClick={() => act('POST', `${base}/notices`, {})}>
          Send notices (opens contact details; re-authentication required)
        </button>{' '}
        <Link to="/incidents/template">Edit the letter</Link>
      </section>

      <section>
        <h2>6. Containment and evidence</h2>
        <details>
          <summary>Rotate encryption keys (re-wrap in the background, no downtime)</summary>
          <RotateKeys url={`${base}/containment/keys`} onDone={() => void reload()} />
        </details>
        <div className="row">
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => ask({ title: 'Sign everyone out?', message: 'Every staff session in the organisation ends at once, yours too: everyone signs in again with their second factor.', action: 'Sign everyone out' }, () => act('POST', `${base}/containment/sessions`, {}))}
          >
            Sign everyone out
          </button>
          <form
            className="row"
            onSubmit={(event) => {
              event.preventDefault();
              const form = event.currentTarget;
              const staffId = String(new FormData(form).get('staffId'));
              const name = (form.querySelector('[role=combobox]') as HTMLInputElement | null)?.value ?? 'this staff member';
              ask({ title: `Sign out and lock ${name}?`, message: `Every session of ${name} ends and the account is locked: they cannot sign in until an administrator unlocks it after review.`, action: `Lock ${name}` }, () => act('POST', `${base}/containment/sessions`, { staffId }));
            }}
          >
            <StaffPicker id="contain-staff" name="staffId" label="Staff member" required />
            <button type="submit" className="secondary" disabled={busy}>
              Sign out and lock this account
            </button>
          </form>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              act('POST', `${base}/evidence`, undefined, (r) => {
                const blob = new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' });
                const link = document.createElement('a');
                link.href = URL.createObjectURL(blob);
                link.download = `evidence-${incident.id.slice(0, 8)}.json`;
                link.click();
                URL.revokeObjectURL(link.href);
              })
            }
          >
            Export signed evidence bundle
          </button>
        </div>
      </section>

      <section>
        <h2>Timeline</h2>
        <ol className="timeline">
          {incident.timeline.map((t, i) => (
            <li key={i}>
              <span className="hint">{formatWhen(t.at)}</span> {t.detail}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
