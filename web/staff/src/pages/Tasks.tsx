/**
 * My tasks: what stands between a staff member and patient records — a
 * second factor, current security training, acknowledged policies — and the
 * page shown instead of patient data while any of it is outstanding.
 */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { ComplianceStatus, PolicyStatus, PolicyText, QuizResult, TrainingModule, TrainingStatus } from '../api-types.js';
import { Link } from '../router.js';
import { useAction, useResource } from '../hooks.js';
import { ErrorText } from '../components/ErrorText.js';

const BLOCK_TEXT: Record<string, string> = {
  mfa: 'Set up a second factor (a passkey or an authenticator app).',
  training: 'Complete your security training: it is missing or has expired.',
  policy: 'Read and acknowledge the current version of each policy.',
};

const TRAINING_STATE: Record<TrainingStatus['state'], string> = { current: 'Passed', due: 'Due', expired: 'Expired', missing: 'Not done' };

/** Shown instead of patient pages while the gate is closed. */
export function GatePage(props: { blocks: readonly string[] }) {
  return (
    <section className="notice" aria-labelledby="gate-title">
      <h1 id="gate-title">Patient records are locked for you until these are done</h1>
      <p>Tacet opens patient records only for staff with a second factor, current security training and every policy acknowledged. This protects our patients and you.</p>
      <ul>
        {props.blocks.map((block) => (
          <li key={block}>{BLOCK_TEXT[block] ?? block}</li>
        ))}
      </ul>
      <p>
        <Link to="/tasks">Go to My tasks</Link>
      </p>
    </section>
  );
}

function Markdownish(props: { text: string }) {
  // Headings and bullets as plain structure; no HTML is ever injected.
  return (
    <div className="document training">
      {props.text.split('\n').map((line, i) => {
        if (line.startsWith('## ')) return <h3 key={i}>{line.slice(3)}</h3>;
        if (line.startsWith('- ')) return <p key={i}>• {line.slice(2)}</p>;
        return line.trim() === '' ? null : <p key={i}>{line}</p>;
      })}
    </div>
  );
}

function TrainingModuleForm(props: { module: TrainingModule; onDone: () => void }) {
  const [result, setResult] = useState<QuizResult>();
  const { error, setError, run } = useAction();
  const { module } = props;
  return (
    <section aria-labelledby={`module-${module.id}`}>
      <h2 id={`module-${module.id}`}>{module.title}</h2>
      <Markdownish text={module.content} />
      <form
        className="wide-form"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const answers = module.quiz.map((_, i) => Number(form.get(`q${i}`) ?? -1));
          if (answers.some((a) => a < 0)) {
            setError('Answer every question.');
            return;
          }
          void run(
            api<QuizResult>('POST', `/api/v1/training/modules/${module.id}/attempts`, { answers }).then((r) => {
              setResult(r);
              setError(undefined);
              if (r.passed) props.onDone();
            }),
          );
        }}
      >
        <h3>Quiz (pass mark {module.passMark}%)</h3>
        {module.quiz.map((q, i) => (
          <fieldset key={i} className={result?.wrong.includes(i) ? 'overdue' : undefined}>
            <legend>{q.question}</legend>
            {q.options.map((option, j) => (
              <label key={j} className="check">
                <input type="radio" name={`q${i}`} value={j} required /> {option}
              </label>
            ))}
          </fieldset>
        ))}
        <button type="submit">Submit answers</button>
        <ErrorText error={error} />
        {result && (
          <p role="status">
            {result.passed ? `Passed with ${result.score}%. Valid until ${formatWhen(result.expiresAt)}.` : `${result.score}%: not a pass (${result.passMark}% needed). The questions marked in red were wrong; read the module again and retry.`}
          </p>
        )}
      </form>
    </section>
  );
}

function PolicyItem(props: { policy: PolicyStatus; onDone: () => void }) {
  const [body, setBody] = useState<string>();
  const { error, run } = useAction();
  const { policy } = props;
  return (
    <li>
      <strong>
        {policy.title} (version {policy.version})
      </strong>{' '}
      {policy.acknowledgedAt ? (
        <span>acknowledged {formatWhen(policy.acknowledgedAt)}</span>
      ) : body === undefined ? (
        <button type="button" className="secondary" onClick={() => void run(api<PolicyText>('GET', `/api/v1/policies/${policy.policyId}`).then((p) => setBody(p.body)))}>
          Read
        </button>
      ) : (
        <>
          <div className="document">{body}</div>
          <button type="button" onClick={() => void run(api('POST', `/api/v1/policies/${policy.policyId}/acknowledge`).then(props.onDone))}>
            I have read and will follow this policy
          </button>
        </>
      )}
      <ErrorText error={error} />
    </li>
  );
}

export function TasksPage(props: { onChange: () => Promise<void> }) {
  const status = useResource<ComplianceStatus>('/api/v1/me/compliance');
  const modules = useResource<TrainingModule[]>('/api/v1/training/modules');
  const [open, setOpen] = useState<string>();
  const done = () => {
    void status.reload();
    void props.onChange();
  };
  const s = status.data;
  return (
    <>
      <h1>My tasks</h1>
      <ErrorText error={status.error ?? modules.error} />
      {s && (s.blocks.length === 0 ? <p role="status">All done: you have a second factor, current training and every policy acknowledged.</p> : <GatePage blocks={s.blocks} />)}
      <h2>Second factor</h2>
      <p>{s?.mfa.enrolled ? (s.mfa.passkey ? 'Passkey set up.' : 'Authenticator app set up. A passkey is stronger: add one under Security.') : 'Not set up.'}</p>
      <h2>Security training</h2>
      <ul className="cards">
        {(s?.training ?? []).map((t) => (
          <li key={t.moduleId}>
            <strong>{t.title}</strong>: {TRAINING_STATE[t.state]}
            {t.until && t.state === 'current' && ` until ${formatWhen(t.until)}`}
            {t.until && t.state === 'due' && ` by ${formatWhen(t.until)}`}
            {t.lastScore !== null && ` (last score ${t.lastScore}%)`}{' '}
            <button type="button" className="secondary" onClick={() => setOpen(open === t.moduleId ? undefined : t.moduleId)}>
              {t.state === 'current' ? 'Review' : 'Start the training'}
            </button>
            {open === t.moduleId && modules.data?.find((m) => m.id === t.moduleId) && <TrainingModuleForm module={modules.data.find((m) => m.id === t.moduleId) as TrainingModule} onDone={done} />}
          </li>
        ))}
      </ul>
      <h2>Policies</h2>
      {s && s.policies.length === 0 && <p>No policies published yet.</p>}
      <ul className="cards">
        {(s?.policies ?? []).map((p) => (
          <PolicyItem key={p.policyId} policy={p} onDone={done} />
        ))}
      </ul>
    </>
  );
}
