/**
 * The DPO's compliance dashboard: coverage charts (training, second factor,
 * passkeys, policies), open alerts, incidents and requests, expiring data and
 * access reviews; the staff overview with chasing; publishing policies and
 * editing training modules.
 */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { ChaseResult, ComplianceDashboard, PolicyPublished, StaffCompliance, TrainingModule } from '../api-types.js';
import { Link } from '../router.js';
import { useAction, useResource } from '../hooks.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';

const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n * 100) / of));

/** Horizontal bars, 0–100 %, drawn as SVG (no chart library, nothing inline for the CSP). */
function CoverageChart(props: { title: string; bars: { label: string; value: number; of: number }[] }) {
  const height = props.bars.length * 34 + 10;
  return (
    <figure className="chart">
      <svg role="img" aria-label={`${props.title}: ${props.bars.map((b) => `${b.label} ${pct(b.value, b.of)}%`).join(', ')}`} viewBox={`0 0 420 ${height}`} width="100%">
        {props.bars.map((bar, i) => {
          const width = (pct(bar.value, bar.of) / 100) * 210;
          const y = 8 + i * 34;
          return (
            <g key={bar.label}>
              <text x="0" y={y + 17} fontSize="13" fill="currentColor">
                {bar.label}
              </text>
              <rect x="170" y={y} width="210" height="24" fill="#8883" rx="3" />
              <rect x="170" y={y} width={width} height="24" fill={pct(bar.value, bar.of) >= 95 ? '#2f7d32' : pct(bar.value, bar.of) >= 75 ? '#b45f06' : '#b00020'} rx="3" />
              <text x="386" y={y + 17} fontSize="13" fill="currentColor">
                {pct(bar.value, bar.of)}%
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  );
}

/** One stacked bar of counts by state. */
function StackedChart(props: { title: string; parts: { label: string; value: number; colour: string }[] }) {
  const total = props.parts.reduce((n, p) => n + p.value, 0);
  let x = 0;
  return (
    <figure className="chart">
      <svg role="img" aria-label={`${props.title}: ${props.parts.map((p) => `${p.label} ${p.value}`).join(', ')}`} viewBox="0 0 420 70" width="100%">
        {props.parts.map((part) => {
          const width = total === 0 ? 0 : (part.value / total) * 400;
          const rect = <rect key={part.label} x={x} y="4" width={width} height="26" fill={part.colour} />;
          x += width;
          return rect;
        })}
        {props.parts.map((part, i) => (
          <g key={`legend-${part.label}`}>
            <rect x={i * 105} y="44" width="12" height="12" fill={part.colour} />
            <text x={i * 105 + 16} y="55" fontSize="12" fill="currentColor">
              {part.label} {part.value}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  );
}

/** Quiz as editable text: a question line, then options, the right one starting with "* ", others with "- "; blank line between questions. */
function quizToText(quiz: TrainingModule['quiz']): string {
  return quiz.map((q) => [q.question, ...q.options.map((o, i) => `${i === q.answer ? '*' : '-'} ${o}`)].join('\n')).join('\n\n');
}
function textToQuiz(text: string): TrainingModule['quiz'] {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').map((l) => l.trim()).filter(Boolean))
    .filter((lines) => lines.length > 0)
    .map(([question, ...options]) => ({ question: question ?? '', options: options.map((o) => o.replace(/^[*-]\s*/, '')), answer: options.findIndex((o) => o.startsWith('*')) }));
}

function ModuleEditor(props: { module?: TrainingModule; onSaved: () => void }) {
  const { error, run } = useAction();
  const m = props.module;
  return (
    <form
      className="wide-form"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const body = { title: String(form.get('title')), content: String(form.get('content')), passMark: Number(form.get('passMark')), quiz: textToQuiz(String(form.get('quiz'))) };
        void run(api(m ? 'PUT' : 'POST', m ? `/api/v1/training/modules/${m.id}` : '/api/v1/training/modules', body).then(props.onSaved));
      }}
    >
      <label htmlFor={`title-${m?.id ?? 'new'}`}>Title</label>
      <input id={`title-${m?.id ?? 'new'}`} name="title" defaultValue={m?.title} required minLength={3} />
      <label htmlFor={`content-${m?.id ?? 'new'}`}>Content (## for headings, - for bullets)</label>
      <textarea id={`content-${m?.id ?? 'new'}`} name="content" rows={10} defaultValue={m?.content} required />
      <label htmlFor={`quiz-${m?.id ?? 'new'}`}>Quiz: question line, then options; start the right one with “* ”, others with “- ”; a blank line between questions</label>
      <textarea id={`quiz-${m?.id ?? 'new'}`} name="quiz" rows={10} defaultValue={m ? quizToText(m.quiz) : ''} required />
      <label htmlFor={`pass-${m?.id ?? 'new'}`}>Pass mark (%)</label>
      <input id={`pass-${m?.id ?? 'new'}`} name="passMark" type="number" min={1} max={100} defaultValue={m?.passMark ?? 80} />
      <button type="submit">{m ? 'Save as a new version' : 'Add module'}</button>
      <ErrorText error={error} />
    </form>
  );
}

export function CompliancePage() {
  const dash = useResource<ComplianceDashboard>('/api/v1/compliance/dashboard');
  const staff = useResource<StaffCompliance[]>('/api/v1/compliance/staff');
  const modules = useResource<TrainingModule[]>('/api/v1/training/modules');
  const [note, setNote] = useState<string>();
  const { error, run } = useAction();
  const [editing, setEditing] = useState<string>();
  const d = dash.data;
  const reload = () => Promise.all([dash.reload(), staff.reload(), modules.reload()]);
  const chase = (staffIds?: string[]) => run(api<ChaseResult>('POST', '/api/v1/compliance/chase', staffIds ? { staffIds } : {}).then((r) => setNote(`${r.queued} reminder email(s) queued.`)));
  return (
    <>
      <h1>Compliance</h1>
      <ErrorText error={dash.error ?? staff.error ?? error} />
      {d && (
        <>
          <div className="charts">
            <CoverageChart
              title={`Staff coverage (${d.staff.total} active staff)`}
              bars={[
                { label: 'Training current', value: d.staff.trained, of: d.staff.total },
                { label: 'Second factor', value: d.staff.mfa, of: d.staff.total },
                { label: 'Passkey', value: d.staff.passkey, of: d.staff.total },
                { label: 'Policies acknowledged', value: d.staff.policiesAcknowledged, of: d.staff.total },
              ]}
            />
            <StackedChart
              title="Training completions by state"
              parts={[
                { label: 'Passed', value: d.trainingStates.current, colour: '#2f7d32' },
                { label: 'Due', value: d.trainingStates.due, colour: '#f5b700' },
                { label: 'Expired', value: d.trainingStates.expired, colour: '#b45f06' },
                { label: 'Not done', value: d.trainingStates.missing, colour: '#b00020' },
              ]}
            />
          </div>
          <dl className="detail kpis">
            <dt>Blocked from patient data</dt>
            <dd>{d.staff.blocked}</dd>
            <dt>Overdue acknowledgements</dt>
            <dd>{d.staff.overdueAcknowledgements}</dd>
            <dt>Open alerts</dt>
            <dd>
              <Link to="/alerts">{d.alerts.open}</Link> ({Object.entries(d.alerts.bySeverity).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'})
            </dd>
            <dt>Open incidents</dt>
            <dd>
              <Link to="/incidents">{d.incidents.open}</Link>
            </dd>
            <dt>Data-subject requests</dt>
            <dd className={d.requests.overdue > 0 ? 'overdue' : undefined}>
              <Link to="/rights">{d.requests.open} open</Link>, {d.requests.overdue} overdue, {d.requests.dueThisWeek} due this week
            </dd>
            <dt>Data expiring</dt>
            <dd>
              <Link to="/retention">{Object.values(d.expiringData).reduce((n, c) => n + c.now, 0)} people due now</Link>, {Object.values(d.expiringData).reduce((n, c) => n + c.next, 0)} in the next 30 days
            </dd>
            <dt>Access reviews</dt>
            <dd className={d.accessReviews.overdue > 0 ? 'overdue' : undefined}>
              <Link to="/access-reviews">{d.accessReviews.open} open</Link>, {d.accessReviews.pendingItems} roles awaiting review, {d.accessReviews.suspendedRoles} suspended
            </dd>
          </dl>
        </>
      )}
      <h2>Staff</h2>
      <div className="row">
        <button type="button" onClick={() => void chase()}>
          Chase everyone with outstanding tasks
        </button>
        {note && <span role="status">{note}</span>}
      </div>
      <Table
        headings={['Name', 'Second factor', 'Training', 'Policies', 'Blocked', '']}
        rows={(staff.data ?? []).map((s) => ({
          key: s.staffId,
          cells: [
            s.name,
            s.mfa.passkey ? 'passkey' : s.mfa.enrolled ? 'authenticator' : 'none',
            s.training.map((t) => `${t.state}${t.until ? ` (${formatWhen(t.until)})` : ''}`).join('; '),
            `${s.policies.filter((p) => p.acknowledgedAt).length}/${s.policies.length}`,
            s.blocks.length > 0 ? <span className="overdue">{s.blocks.join(', ')}</span> : 'no',
            s.blocks.length > 0 ? (
              <button type="button" className="secondary" onClick={() => void chase([s.staffId])}>
                Chase
              </button>
            ) : (
              ''
            ),
          ],
        }))}
      />
      <h2>Publish a policy</h2>
      <form
        className="wide-form"
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          void run(
            api<PolicyPublished>('POST', '/api/v1/policies', { slug: String(data.get('slug')), title: String(data.get('title')), body: String(data.get('body')) }).then((r) => {
              setNote(`Published version ${r.version}: every staff member must acknowledge it before opening patient records.`);
              form.reset();
              void reload();
            }),
          );
        }}
      >
        <label htmlFor="policy-slug">Short name (the same name publishes a new version)</label>
        <input id="policy-slug" name="slug" pattern="[a-z0-9][a-z0-9\-]{1,60}" title="Lower-case letters, digits and hyphens, starting with a letter or digit (2 to 61 characters)" aria-describedby="policy-slug-hint" placeholder="information-security" required />
        <p id="policy-slug-hint" className="field-hint">
          Lower-case letters, digits and hyphens, like information-security.
        </p>
        <label htmlFor="policy-title">Title</label>
        <input id="policy-title" name="title" required minLength={3} />
        <label htmlFor="policy-body">Text</label>
        <textarea id="policy-body" name="body" rows={8} required minLength={10} />
        <button type="submit">Publish</button>
      </form>
      <h2>Training modules</h2>
      <ul className="cards">
        {(modules.data ?? []).map((m) => (
          <li key={m.id}>
            <strong>{m.title}</strong> (version {m.version}, pass mark {m.passMark}%, {m.quiz.length} questions{m.isBuiltin ? ', built-in starter' : ''}){' '}
            <button type="button" className="secondary" onClick={() => setEditing(editing === m.id ? undefined : m.id)}>
              Edit
            </button>
            {editing === m.id && <ModuleEditor module={m} onSaved={() => void reload().then(() => setEditing(undefined))} />}
          </li>
        ))}
      </ul>
      <details>
        <summary>Add a module</summary>
        <ModuleEditor onSaved={() => void reload()} />
      </details>
    </>
  );
}
