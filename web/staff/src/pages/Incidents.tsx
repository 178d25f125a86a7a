/** Breach response for the DPO: the register with its clocks and declaring an incident, and the letter to people affected. One incident: IncidentDetail. */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { IncidentCreated, IncidentDetails, IncidentList, NoticeTemplate } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { useAction, useResource } from '../hooks.js';
import { Link, navigate } from '../router.js';
import { Clock, toIso } from './IncidentClock.js';

const FIELDS: [keyof IncidentDetails, string][] = [
  ['whatHappened', 'What happened'],
  ['howDiscovered', 'How it was discovered'],
  ['likelyConsequences', 'Likely consequences for the people affected'],
  ['measuresBefore', 'Security measures in place before'],
  ['measuresAfter', 'Measures taken or proposed since'],
  ['staffTraining', 'Staff training (if staff were involved)'],
  ['contactPoint', 'Contact point (DPO name, e-mail, phone)'],
];

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
