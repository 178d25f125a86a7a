/** Breach response for the DPO: the register with its clocks, and one incident from indicators to notices and evidence. */
import { useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { Incident, IncidentCreated, IncidentDetails, IncidentList, NoticeCounts, NoticeTemplate } from '../api-types.js';
import { Link, navigate } from '../router.js';
import { useAction, useResource } from '../hooks.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { RotateKeys } from '../components/RotateKeys.js';

const FIELDS: [keyof IncidentDetails, string][] = [
  ['whatHappened', 'What happened'],
  ['howDiscovered', 'How it was discovered'],
  ['likelyConsequences', 'Likely consequences for the people affected'],
  ['measuresBefore', 'Security measures in place before'],
  ['measuresAfter', 'Measures taken or proposed since'],
  ['staffTraining', 'Staff training (if staff were involved)'],
  ['contactPoint', 'Contact point (DPO name, e-mail, phone)'],
];

/** Time left to the regulator deadline, updated every 30 seconds. */
function Clock(props: { deadline: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const left = Date.parse(props.deadline) - now;
  const hours = Math.floor(Math.abs(left) / 3_600_000);
  const minutes = Math.floor((Math.abs(left) % 3_600_000) / 60_000);
  return (
    <strong className={left < 0 ? 'overdue' : left < 12 * 3_600_000 ? 'due-soon' : ''} role="timer">
      {left < 0 ? `Overdue by ${hours} h ${minutes} min` : `${hours} h ${minutes} min left`} (deadline {formatWhen(props.deadline)})
    </strong>
  );
}

const toIso = (local: FormDataEntryValue | null) => (local ? new Date(String(local)).toISOString() : undefined);

export function IncidentListPage() {
  const { data, error, setError } = useResource<IncidentList>('/api/v1/incidents');
  const { run } = useAction(setError);
  return (
    <>
      <h1>Incidents</h1>
      <p>The breach register keeps every incident, reported or not, with each decision and its reasons.</p>
      <ErrorText error={error} />
      <Table
        headings={['Incident', 'Regime', 'Aware', 'Clock', 'Regulator']}
        rows={(data?.incidents ?? []).map((i) => ({
          key: i.id,
          cells: [<Link to={`/incidents/${i.id}`}>{i.title}</Link>, i.regime, formatWhen(i.awareAt), i.reported === null ? <Clock deadline={i.deadline} /> : 'decided', i.reported === null ? '—' : i.reported ? 'notified' : 'not notified (reasons recorded)'],
        }))}
      />
      <details>
        <summary>Declare an incident</summary>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const details = Object.fromEntries(FIELDS.map(([key]) => [key, String(data.get(key) ?? '')])) as unknown as IncidentDetails;
            details.staffInvolved = data.get('staffInvolved') === 'on';
            void run(
              api<IncidentCreated>('POST', '/api/v1/incidents', { title: data.get('title'), regime: data.get('regime'), awareAt: toIso(data.get('awareAt')), ...(data.get('occurredFrom') ? { occurredFrom: toIso(data.get('occurredFrom')) } : {}), ...(data.get('occurredTo') ? { occurredTo: toIso(data.get('occurredTo')) } : {}), details }).then((r) =>
                navigate(`/incidents/${r.id}`),
              ),
            );
          }}
        >
          <p className="hint">Describe the incident; do not type patients’ personal data here.</p>
          <label htmlFor="title">Title</label>
          <input id="title" name="title" required minLength={3} maxLength={200} />
          <label htmlFor="regime">Regime</label>
          <select id="regime" name="regime">
            <option value="uk-gdpr">UK GDPR (ICO, 72 hours)</option>
            <option value="eu-gdpr">EU GDPR (72 hours)</option>
            <option value="hipaa">HIPAA (60 days)</option>
          </select>
          <label htmlFor="awareAt">We became aware at</label>
          <input id="awareAt" name="awareAt" type="datetime-local" required />
          <label htmlFor="occurredFrom">It started (if known)</label>
          <input id="occurredFrom" name="occurredFrom" type="datetime-local" />
          <label htmlFor="occurredTo">It ended (if known)</label>
          <input id="occurredTo" name="occurredTo" type="datetime-local" />
          {FIELDS.map(([key, label]) => (
            <span key={key} className="field">
              <label htmlFor={key}>{label}</label>
              <textarea id={key} name={key} maxLength={5000} />
            </span>
          ))}
          <label className="check">
            <input type="checkbox" name="staffInvolved" /> Staff were involved
          </label>
          <button type="submit">Declare</button>
        </form>
      </details>
    </>
  );
}

export function IncidentDetailPage(props: { id: string }) {
  const { data: incident, error, setError, reload } = useResource<Incident>(`/api/v1/incidents/${props.id}`);
  const { data: notices, reload: reloadNotices } = useResource<NoticeCounts>(`/api/v1/incidents/${props.id}/notices`);
  const { busy, run } = useAction(setError);
  const act = (method: 'POST' | 'PUT', url: string, body?: unknown, after?: (r: unknown) => void) =>
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
              {i.kind}: <code>{i.value}</code> {i.from && `from ${formatWhen(i.from)}`} {i.to && `to ${formatWhen(i.to)}`}
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
          <select id="kind" name="kind">
            <option value="staff">Staff account (id)</option>
            <option value="session">Session (id from the audit log)</option>
            <option value="ip-range">Address range (e.g. 203.0.113.0/24)</option>
            <option value="window">Everything read in a time window</option>
            <option value="component">Compromised component</option>
          </select>
          <label htmlFor="value">Value (for components: intake-tier, database-copy, backup, blob-store, or key:vault / key:contact.v1 …)</label>
          <input id="value" name="value" required maxLength={100} />
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

      <section>
        <h2>3. Assessment and decision</h2>
        {incident.regime === 'hipaa' ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              const text = (name: string) => String(data.get(name) ?? '');
              act('POST', `${base}/assessment`, { hipaa: { natureAndExtent: text('natureAndExtent'), unauthorisedPerson: text('unauthorisedPerson'), acquiredOrViewed: text('acquiredOrViewed'), mitigation: text('mitigation'), lowProbabilityOfCompromise: data.get('lowProbability') === 'on' } });
            }}
          >
            <p className="hint">HIPAA four-factor risk assessment (45 CFR 164.402(2)). Counting residents per state opens addresses: re-authentication is required.</p>
            {(
              [
                ['natureAndExtent', '(i) Nature and extent of the PHI involved'],
                ['unauthorisedPerson', '(ii) The unauthorised person who used or received it'],
                ['acquiredOrViewed', '(iii) Whether it was actually acquired or viewed'],
                ['mitigation', '(iv) The extent to which the risk has been mitigated'],
              ] as const
            ).map(([name, label]) => (
              <span key={name} className="field">
                <label htmlFor={name}>{label}</label>
                <textarea id={name} name={name} required maxLength={3000} />
              </span>
            ))}
            <label className="check">
              <input type="checkbox" name="lowProbability" /> Low probability that the PHI has been compromised
            </label>
            <button type="submit" disabled={busy || !incident.scope}>
              Assess
            </button>
          </form>
        ) : (
          <button type="button" disabled={busy || !incident.scope} onClick={() => act('POST', `${base}/assessment`, {})}>
            Assess (Art. 34(3)(a))
          </button>
        )}
        {incident.assessment && (
          <p className="notice">
            Notices to individuals {incident.assessment.art34NoticeRequired ? 'required' : 'not required'}. {incident.assessment.reasoning}
          </p>
        )}
        {/* Remounted when the assessment or decision changes, so its defaults follow them (a mounted checkbox keeps its first default). */}
        <form
          key={`${String(incident.assessment?.art34NoticeRequired)}|${incident.assessment?.intelligible ?? ''}|${incident.decision?.reasons ?? ''}`}
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            act('POST', `${base}/decision`, { notifyRegulator: data.get('notifyRegulator') === 'on', notifyIndividuals: data.get('notifyIndividuals') === 'on', reasons: String(data.get('reasons')) });
          }}
        >
          <label className="check">
            <input type="checkbox" name="notifyRegulator" defaultChecked={incident.decision?.notifyRegulator ?? true} /> Notify the regulator
          </label>
          <label className="check">
            <input type="checkbox" name="notifyIndividuals" defaultChecked={incident.assessment?.art34NoticeRequired === true || (incident.decision?.notifyIndividuals ?? false)} /> Notify the people affected
          </label>
          <label htmlFor="reasons">Reasons (kept in the breach register)</label>
          <textarea id="reasons" name="reasons" required minLength={10} defaultValue={incident.decision?.reasons ?? ''} />
          <button type="submit" disabled={busy}>
            Record decision
          </button>
        </form>
      </section>

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
          <button type="button" className="secondary" disabled={busy} onClick={() => act('POST', `${base}/containment/sessions`, {})}>
            Sign everyone out
          </button>
          <form
            className="row"
            onSubmit={(event) => {
              event.preventDefault();
              act('POST', `${base}/containment/sessions`, { staffId: String(new FormData(event.currentTarget).get('staffId')) });
            }}
          >
            <label htmlFor="contain-staff">Staff id</label>
            <input id="contain-staff" name="staffId" pattern="[0-9a-f-]{36}" required />
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

export function NoticeTemplatePage() {
  const { data, error, setError } = useResource<NoticeTemplate>('/api/v1/notice-template');
  const [saved, setSaved] = useState(false);
  const { run } = useAction(setError);
  if (!data) return <ErrorText error={error} />;
  return (
    <>
      <h1>Letter to people affected</h1>
      <p>Placeholders: {'{{name}} {{organisation}} {{what_happened}} {{categories}} {{measures}} {{contact}}'}. Plain language: what happened, what data, what we are doing, what you can do, how to contact us.</p>
      <form
        className="wide-form"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          void run(api('PUT', '/api/v1/notice-template', { subject: form.get('subject'), body: form.get('body') }).then(() => setSaved(true)));
        }}
      >
        <label htmlFor="subject">Subject</label>
        <input id="subject" name="subject" defaultValue={data.subject} required />
        <label htmlFor="body">Letter</label>
        <textarea id="body" name="body" rows={20} defaultValue={data.body} required />
        <ErrorText error={error} />
        {saved && <p role="status">Saved.</p>}
        <button type="submit">Save</button>
      </form>
    </>
  );
}
