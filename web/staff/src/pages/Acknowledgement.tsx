/**
 * The acknowledgement e-mail an enquirer gets when they ask for one: the
 * template per clinic (or the organisation's default), its placeholders, a
 * preview, and whether mail is sent at all (no SMTP server, no e-mail).
 * The administrator edits the default and every clinic; a clinic manager
 * their own clinics.
 */
import { useEffect, useState } from 'react';
import { api, ApiError, describeError } from '../api.js';
import type { AcknowledgementOverview, AcknowledgementPreview } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { useResource } from '../hooks.js';

type Template = AcknowledgementOverview['organisationDefault']['template'];

const DEFAULT_SCOPE = 'default';

/** The scopes this person can edit: the default (administrator) and their clinics. */
function scopesOf(data: AcknowledgementOverview): { value: string; label: string; template: Template; isOwn: boolean }[] {
  return [
    ...(data.organisationDefault.canEdit ? [{ value: DEFAULT_SCOPE, label: 'Organisation default (every clinic without its own)', template: data.organisationDefault.template, isOwn: !data.organisationDefault.isBuiltIn }] : []),
    ...data.clinics.filter((c) => c.canEdit).map((c) => ({ value: c.clinicId, label: c.name, template: c.template, isOwn: c.isOwn })),
  ];
}

export function AcknowledgementPage() {
  const { data, error: loadError, reload } = useResource<AcknowledgementOverview>('/api/v1/acknowledgement-template');
  const [scope, setScope] = useState<string>();
  const [draft, setDraft] = useState<Template>();
  const [preview, setPreview] = useState<AcknowledgementPreview>();
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const scopes = data ? scopesOf(data) : [];
  const current = scopes.find((s) => s.value === scope) ?? scopes[0];
  useEffect(() => {
    if (current && !draft) setDraft(current.template);
  }, [current, draft]);
  if (!data || !current || !draft) return <ErrorText error={loadError} />;

  const clinicId = current.value === DEFAULT_SCOPE ? null : current.value;
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setProblems([]);
    setStatus(undefined);
    try {
      await work();
    } catch (e) {
      if (e instanceof ApiError && e.body.code === 'ACK_TEMPLATE_INVALID') setProblems([...(e.body.fields ?? [])]);
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const choose = (value: string) => {
    setScope(value);
    setDraft(scopes.find((s) => s.value === value)?.template);
    setPreview(undefined);
    setProblems([]);
    setStatus(undefined);
  };
  const field = (name: keyof Template) => ({ id: `ack-${name}`, name, value: draft[name], onChange: (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: event.currentTarget.value }) });

  return (
    <>
      <h1>Acknowledgement e-mail</h1>
      {!data.isSendingEnabled && (
        <p className="notice" role="status">
          No acknowledgements are being sent: Tacet has no mail server configured (<code>TACET_SMTP_URL</code>). Your administrator sets it; until then the form’s “e-mail me an acknowledgement” box sends nothing.
        </p>
      )}
      <p>
        When someone ticks “e-mail me an acknowledgement” on the enquiry form, Tacet sends this message within a minute, at most once a day per person, from <strong>{data.from}</strong>. It never repeats what they wrote: no procedure, no message, not even their name, because an e-mail can be read over a shoulder.
      </p>
      <p className="hint">
        Placeholders: {data.placeholders.join(' ')}. The body must include {'{reference}'}. Anything else in braces is refused.
      </p>
      <form
        className="wide-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run(async () => {
            await api('PUT', '/api/v1/acknowledgement-template', { clinicId, ...draft });
            setStatus('Saved. The next acknowledgement uses it.');
            await reload();
          });
        }}
      >
        {scopes.length > 1 && (
          <>
            <label htmlFor="ack-scope">Template for</label>
            <select id="ack-scope" value={current.value} onChange={(event) => choose(event.currentTarget.value)}>
              {scopes.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </>
        )}
        {clinicId !== null && <p className="hint">{current.isOwn ? `${current.label} has its own template.` : `${current.label} uses the organisation’s default; saving gives it its own.`}</p>}
        <label htmlFor="ack-subject">Subject</label>
        <input {...field('subject')} required maxLength={200} />
        <label htmlFor="ack-body">Message</label>
        <textarea {...field('body')} rows={12} required maxLength={5000} />
        <label htmlFor="ack-nextSteps">What happens next ({'{nextSteps}'})</label>
        <textarea {...field('nextSteps')} rows={3} maxLength={1000} />
        <label htmlFor="ack-openingHours">Opening hours ({'{openingHours}'}, optional)</label>
        <input {...field('openingHours')} maxLength={500} />
        <ErrorText error={error} />
        {problems.length > 0 && (
          <ul aria-label="Problems with the template">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {status && <p role="status">{status}</p>}
        <div className="row">
          <button type="submit" disabled={busy}>
            Save
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void run(async () => setPreview(await api<AcknowledgementPreview>('POST', '/api/v1/acknowledgement-template/preview', { clinicId, ...draft })))}>
            Preview
          </button>
          {clinicId !== null && current.isOwn && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                if (!window.confirm(`Use the organisation’s default for ${current.label}? Its own template is deleted.`)) return;
                void run(async () => {
                  await api('POST', '/api/v1/acknowledgement-template/reset', { clinicId });
                  setDraft(undefined);
                  setStatus('This clinic uses the organisation’s default again.');
                  await reload();
                });
              }}
            >
              Use the default
            </button>
          )}
        </div>
      </form>
      {preview && (
        <section aria-labelledby="ack-preview">
          <h2 id="ack-preview">Preview</h2>
          <p>
            <strong>Subject:</strong> {preview.subject}
          </p>
          {/* Focusable: it scrolls when the message is long, and a keyboard must reach it. */}
          <div className="document preview" data-testid="ack-preview-text" tabIndex={0} role="region" aria-label="The message as it will be sent">
            {preview.text}
          </div>
          <p className="hint">With a sample reference; each enquiry has its own.</p>
        </section>
      )}
    </>
  );
}
