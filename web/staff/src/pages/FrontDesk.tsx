/**
 * The front desk: Today (my queue with names and procedures, my follow-ups,
 * the pools I can claim from, my shifts, overdue first responses for
 * managers, today's appointments), the pipeline board and table per clinic
 * (metadata only, filtered server-side, bulk stage and assignment), and the
 * work panel of an opened enquiry (stage, call outcome, note, follow-up,
 * timeline).
 */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { Board, Claimed, EnquiryDetail, QueuePage, StaffChoices, Today, Vocabulary } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Loading } from '../components/Loading.js';
import { Table } from '../components/Table.js';
import { useAction, useResource } from '../hooks.js';
import { Link } from '../router.js';

const SLA_TEXT: Record<string, string> = { met: 'Answered in time', 'met-late': 'Answered late', due: 'Due', overdue: 'Overdue', none: '—' };

function Sla(props: { state: string; dueAt: string | null }) {
  return <span className={props.state === 'overdue' ? 'overdue' : undefined}>{props.state === 'due' && props.dueAt ? `Due ${formatWhen(props.dueAt)}` : (SLA_TEXT[props.state] ?? props.state)}</span>;
}

function age(iso: string): string {
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} days`;
}

const label = (vocabulary: Vocabulary | undefined, key: string) => vocabulary?.stages.find((s) => s.key === key)?.label ?? key;

/** The home page of the front desk. */
export function TodayPage(props: { canManage: boolean }) {
  const today = useResource<Today>('/api/v1/desk/today');
  const queue = useResource<QueuePage>('/api/v1/desk/queue?limit=100');
  const vocabulary = useResource<Vocabulary>('/api/v1/desk/vocabulary');
  const { error, busy, run } = useAction();
  const reload = () => Promise.all([today.reload(), queue.reload()]);
  if (!today.data)
    return (
      <>
        <h1>Today</h1>
        {today.error ? <ErrorText error={today.error} /> : <Loading />}
      </>
    );
  const t = today.data;
  return (
    <>
      <h1>Today</h1>
      <ErrorText error={error ?? queue.error} />
      <section aria-labelledby="shift-heading">
        <h2 id="shift-heading">Shift and unassigned enquiries</h2>
        <Table
          headings={['Clinic', 'Unassigned', 'My shift', '']}
          rows={t.pools.map((pool) => ({
            key: pool.clinic.id,
            cells: [
              pool.clinic.name,
              String(pool.unassigned),
              <button type="button" className="secondary" disabled={busy} onClick={() => void run(api('POST', '/api/v1/desk/shift', { clinic: pool.clinic.id, onShift: !pool.onShift }).then(reload))}>
                {pool.onShift ? `End shift at ${pool.clinic.name}` : `Start shift at ${pool.clinic.name}`}
              </button>,
              <button type="button" disabled={busy || pool.unassigned === 0} onClick={() => void run(api<Claimed>('POST', '/api/v1/desk/claim', { clinic: pool.clinic.id, next: 5 }).then(reload))}>
                Take the next 5
              </button>,
            ],
          }))}
        />
      </section>
      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading">My queue ({t.queue.total})</h2>
        {queue.data && queue.data.items.length === 0 && <p>Nothing assigned to you. Start a shift to be given new enquiries, or take some from a clinic above.</p>}
        {queue.data && queue.data.items.length > 0 && (
          <Table
            headings={['Name', 'Procedure', 'Clinic', 'Stage', 'Waiting', 'First response']}
            rows={queue.data.items.map((item) => ({
              key: item.id,
              cells: [<Link to={`/enquiries/${item.id}`}>{item.name}</Link>, item.procedure, item.clinic.name, label(vocabulary.data, item.stage), age(item.receivedAt), <Sla state={item.sla.state} dueAt={item.sla.dueAt} />],
            }))}
          />
        )}
      </section>
      <section aria-labelledby="follow-heading">
        <h2 id="follow-heading">My follow-ups</h2>
        {t.followUps.length === 0 ? (
          <p>No follow-ups due.</p>
        ) : (
          <Table
            headings={['Enquiry', 'What', 'Due', 'Clinic']}
            rows={t.followUps.map((f) => ({ key: f.id, cells: [<Link to={`/enquiries/${f.enquiryId}`}>{f.reference}</Link>, f.kind.replace(/-/g, ' '), <span className={f.isOverdue ? 'overdue' : undefined}>{formatWhen(f.dueAt)}{f.isOverdue ? ' (overdue)' : ''}</span>, f.clinic.name] }))}
          />
        )}
      </section>
      {props.canManage && (
        <section aria-labelledby="escalation-heading">
          <h2 id="escalation-heading">First responses overdue</h2>
          {t.escalations.length === 0 ? (
            <p>Every enquiry has been answered in time.</p>
          ) : (
            <Table
              headings={['Enquiry', 'Clinic', 'Assigned to', 'Due']}
              rows={t.escalations.map((row) => ({ key: row.id, cells: [<Link to={`/enquiries/${row.id}`}>{row.reference}</Link>, row.clinic.name, row.assignee?.name ?? 'Unassigned', formatWhen(row.sla.dueAt)] }))}
            />
          )}
        </section>
      )}
      <section aria-labelledby="appointments-heading">
        <h2 id="appointments-heading">Today’s appointments</h2>
        {t.appointments.length === 0 ? (
          <p>No appointments today.</p>
        ) : (
          <Table
            headings={['Time', 'What', 'Practitioner', 'Clinic', 'Patient']}
            rows={t.appointments.map((a) => ({ key: a.id, cells: [new Date(a.startsAt).toLocaleTimeString('en-GB', { timeStyle: 'short' }), a.kind, a.practitioner ?? '—', a.clinic.name, <Link to={`/patients/${a.patientId}`}>Open record</Link>] }))}
          />
        )}
      </section>
    </>
  );
}

/** The pipeline board and table of one clinic: metadata only (no names), filtered and sorted server-side, with bulk actions. */
export function PipelinePage(props: { clinics: readonly { id: string; name: string }[]; canAssign: boolean }) {
  const [clinic, setClinic] = useState(props.clinics[0]?.id ?? '');
  const [stage, setStage] = useState('');
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [overdue, setOverdue] = useState(false);
  const [view, setView] = useState<'board' | 'table'>('table');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const vocabulary = useResource<Vocabulary>('/api/v1/desk/vocabulary');
  const query = new URLSearchParams({ clinic, order, limit: '100', ...(stage ? { stage } : {}), ...(overdue ? { overdue: 'true' } : {}) });
  const board = useResource<Board>(clinic ? `/api/v1/desk/board?${query.toString()}` : undefined);
  const staff = useResource<StaffChoices>(props.canAssign && clinic ? `/api/v1/desk/staff?clinic=${clinic}` : undefined);
  const { error, busy, run } = useAction();
  const toggle = (id: string) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const bulk = (work: Promise<unknown>) => void run(work.then(() => setSelected(new Set())).then(board.reload));
  return (
    <>
      <h1>Pipeline</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="pipeline-clinic">Clinic</label>
        <select id="pipeline-clinic" value={clinic} onChange={(e) => setClinic(e.target.value)}>
          {props.clinics.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </select>
        <label htmlFor="pipeline-stage">Stage</label>
        <select id="pipeline-stage" value={stage} onChange={(e) => setStage(e.target.value)}>
          <option value="">All stages</option>
          {vocabulary.data?.stages.map((s) => (
            <option key={s.key} value={s.key}>{s.label}</option>
          ))}
        </select>
        <label htmlFor="pipeline-order">Order</label>
        <select id="pipeline-order" value={order} onChange={(e) => setOrder(e.target.value as 'newest' | 'oldest')}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
        <label className="inline"><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> Overdue first response only</label>
        <label className="inline"><input type="checkbox" checked={view === 'board'} onChange={(e) => setView(e.target.checked ? 'board' : 'table')} /> Board view</label>
      </form>
      <ErrorText error={error ?? board.error} />
      {!board.data ? (
        <Loading />
      ) : view === 'board' ? (
        <div className="board">
          {board.data.stages.map((s) => (
            <section key={s.key} className="board-column" aria-label={`${s.label}: ${s.count}`}>
              <h2>{s.label} <span className="count">{s.count}</span></h2>
              <ul>
                {board.data?.rows.filter((row) => row.stage === s.key).map((row) => (
                  <li key={row.id}><Link to={`/enquiries/${row.id}`}>{row.reference}</Link> · {age(row.receivedAt)} · {row.assignee?.name ?? 'Unassigned'} · <Sla state={row.sla.state} dueAt={row.sla.dueAt} /></li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      ) : (
        <>
          <div className="bulk" role="group" aria-label="With the selected enquiries">
            <span>{selected.size} selected</span>
            <label htmlFor="bulk-stage">Move to</label>
            <select id="bulk-stage" defaultValue="" onChange={(e) => {
              const target = e.target.value;
              e.target.value = '';
              if (target && target !== 'lost') bulk(api('POST', '/api/v1/desk/stage', { enquiryIds: [...selected], stage: target }));
            }} disabled={selected.size === 0 || busy}>
              <option value="">Choose a stage…</option>
              {vocabulary.data?.stages.filter((s) => s.kind !== 'lost').map((s) => (
                <option key={s.key} value={s.key}>{s.label}</option>
              ))}
            </select>
            {props.canAssign && (
              <>
                <label htmlFor="bulk-assign">Assign to</label>
                <select id="bulk-assign" defaultValue="" disabled={selected.size === 0 || busy} onChange={(e) => {
                  const target = e.target.value;
                  e.target.value = '';
                  if (target) bulk(api('POST', '/api/v1/desk/reassign', { enquiryIds: [...selected], assigneeId: target === 'pool' ? null : target }));
                }}>
                  <option value="">Choose a person…</option>
                  <option value="pool">Unassigned (back to the pool)</option>
                  {staff.data?.staff.map((s) => (
                    <option key={s.id} value={s.id}>{s.name} ({s.role.replace('_', ' ')})</option>
                  ))}
                </select>
              </>
            )}
          </div>
          <Table
            headings={['', 'Reference', 'Stage', 'Source', 'Assigned to', 'Waiting', 'First response']}
            rows={board.data.rows.map((row) => ({
              key: row.id,
              cells: [
                <input type="checkbox" aria-label={`Select ${row.reference}`} checked={selected.has(row.id)} onChange={() => toggle(row.id)} />,
                <Link to={`/enquiries/${row.id}`}>{row.reference}</Link>,
                label(vocabulary.data, row.stage),
                row.channel,
                row.assignee?.name ?? 'Unassigned',
                age(row.receivedAt),
                <Sla state={row.sla.state} dueAt={row.sla.dueAt} />,
              ],
            }))}
          />
        </>
      )}
    </>
  );
}

/** What staff do with an opened enquiry: move it on, log a call or a note, plan a follow-up; and the person's timeline. */
export function EnquiryWork(props: { detail: EnquiryDetail; onChange: () => Promise<void> }) {
  const { detail } = props;
  const vocabulary = useResource<Vocabulary>('/api/v1/desk/vocabulary');
  const { error, busy, run } = useAction();
  const [stage, setStage] = useState(detail.status);
  const [lostReason, setLostReason] = useState('');
  const isLost = vocabulary.data?.stages.find((s) => s.key === stage)?.kind === 'lost';
  const submit = (work: Promise<unknown>, form?: HTMLFormElement) => void run(work.then(() => form?.reset()).then(props.onChange));
  if (!vocabulary.data) return <Loading />;
  const v = vocabulary.data;
  return (
    <>
      <section aria-labelledby="work-heading">
        <h2 id="work-heading">Work on this enquiry</h2>
        <p>First response: <Sla state={detail.sla.state} dueAt={detail.sla.dueAt} /></p>
        <ErrorText error={error} />
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          submit(api('PUT', `/api/v1/enquiries/${detail.id}/status`, { status: stage, ...(isLost ? { lostReason } : {}) }));
        }}>
          <label htmlFor="work-stage">Stage</label>
          <select id="work-stage" value={stage} onChange={(e) => setStage(e.target.value)}>
            {v.stages.map((s) => (
              <option key={s.key} value={s.key}>{s.label}</option>
            ))}
          </select>
          {isLost && (
            <>
              <label htmlFor="work-lost">Why lost</label>
              <select id="work-lost" required value={lostReason} onChange={(e) => setLostReason(e.target.value)}>
                <option value="">Choose a reason…</option>
                {v.lostReasons.map((r) => (
                  <option key={r} value={r}>{r.replace(/-/g, ' ')}</option>
                ))}
              </select>
            </>
          )}
          <button type="submit" disabled={busy}>Save stage</button>
        </form>
        <form onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          submit(api('POST', `/api/v1/enquiries/${detail.id}/notes`, { kind: 'call', callOutcome: String(data.get('outcome')), text: String(data.get('text') ?? '') }), e.currentTarget);
        }}>
          <label htmlFor="call-outcome">Call outcome</label>
          <select id="call-outcome" name="outcome" required defaultValue="">
            <option value="" disabled>Choose…</option>
            {v.callOutcomes.map((o) => (
              <option key={o} value={o}>{o.replace(/-/g, ' ')}</option>
            ))}
          </select>
          <label htmlFor="call-text">Call notes (optional)</label>
          <textarea id="call-text" name="text" maxLength={5000} rows={2} />
          <button type="submit" disabled={busy}>Log call</button>
        </form>
        <form onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          submit(api('POST', `/api/v1/enquiries/${detail.id}/notes`, { kind: 'note', text: String(data.get('note')) }), e.currentTarget);
        }}>
          <label htmlFor="note-text">Note</label>
          <textarea id="note-text" name="note" required maxLength={5000} rows={2} />
          <button type="submit" disabled={busy}>Add note</button>
        </form>
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          submit(api('POST', `/api/v1/enquiries/${detail.id}/follow-ups`, { kind: String(data.get('kind')), dueAt: new Date(String(data.get('due'))).toISOString() }), e.currentTarget);
        }}>
          <label htmlFor="follow-kind">Follow-up</label>
          <select id="follow-kind" name="kind" defaultValue="call-back">
            {v.followUpKinds.map((k) => (
              <option key={k} value={k}>{k.replace(/-/g, ' ')}</option>
            ))}
          </select>
          <label htmlFor="follow-due">Due</label>
          <input id="follow-due" name="due" type="datetime-local" required />
          <button type="submit" disabled={busy}>Plan follow-up</button>
        </form>
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <h3>Enquiries from this person</h3>
        <ul>
          {detail.timeline.enquiries.map((e) => (
            <li key={e.id}>{e.id === detail.id ? <strong>{e.reference}</strong> : <Link to={`/enquiries/${e.id}`}>{e.reference}</Link>} · {formatWhen(e.receivedAt)} · {label(v, e.status)} · {e.procedure}</li>
          ))}
        </ul>
        <h3>Calls and notes</h3>
        {detail.timeline.notes.length === 0 ? <p>None yet.</p> : (
          <ul>
            {detail.timeline.notes.map((n) => (
              <li key={n.id}>{formatWhen(n.at)} · {n.kind === 'call' ? `Call: ${(n.callOutcome ?? '').replace(/-/g, ' ')}` : 'Note'}{n.text ? ` — ${n.text}` : ''}</li>
            ))}
          </ul>
        )}
        <h3>Follow-ups</h3>
        {detail.timeline.followUps.length === 0 ? <p>None planned.</p> : (
          <ul>
            {detail.timeline.followUps.map((f) => (
              <li key={f.id}>{f.kind.replace(/-/g, ' ')} · due {formatWhen(f.dueAt)} {f.doneAt ? '· done' : <button type="button" className="link" onClick={() => submit(api('POST', `/api/v1/follow-ups/${f.id}/done`))}>Mark done</button>}</li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** The administrator renames the organisation's pipeline stages (keys, order and kinds stay: reports and history use them). */
export function StageNamesPanel() {
  const vocabulary = useResource<Vocabulary>('/api/v1/desk/vocabulary');
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  if (!vocabulary.data) return vocabulary.error ? <ErrorText error={vocabulary.error} /> : <Loading />;
  return (
    <section aria-labelledby="stages-heading">
      <h2 id="stages-heading">Pipeline stages</h2>
      <p>Rename the stages to your clinics’ words. Their order, and which mean won and lost, stay as they are.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          setSaved(false);
          void run(api<Vocabulary>('PUT', '/api/v1/desk/stages', { stages: vocabulary.data?.stages.map((s) => ({ key: s.key, label: String(data.get(s.key) ?? s.label) })) }).then(() => vocabulary.reload()).then(() => setSaved(true)));
        }}
      >
        {vocabulary.data.stages.map((s) => (
          <div key={s.key}>
            <label htmlFor={`stage-${s.key}`}>{s.kind === 'open' ? `Stage ${(vocabulary.data?.stages.indexOf(s) ?? 0) + 1}` : s.kind === 'won' ? 'Won' : 'Lost'} ({s.key.replace(/_/g, ' ')})</label>
            <input id={`stage-${s.key}`} name={s.key} defaultValue={s.label} required maxLength={60} />
          </div>
        ))}
        <ErrorText error={error} />
        {saved && <p role="status">Stage names saved.</p>}
        <button type="submit" disabled={busy}>Save stage names</button>
      </form>
    </section>
  );
}
