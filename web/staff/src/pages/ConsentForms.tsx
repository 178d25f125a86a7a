/**
 * Consent forms (administrators and the DPO): the organisation's documents a
 * patient signs, one per procedure and one for photographs. Saving a form
 * under the same short name publishes its next version; older versions stay
 * (each signature names the exact text signed) and only the newest can be
 * signed. Without a photo form no photo can be taken, so the page says so.
 */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { ConsentForm, ConsentFormList } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction, useResource } from '../hooks.js';

const PHOTO_TEMPLATE = `I agree to clinical photographs being taken of the treated area before, during and after my treatment.

I choose below what they may be used for:
- my clinical record (seen only by the clinicians treating me);
- teaching (shown to clinicians in training, without my name);
- marketing (shown publicly, only with this separate consent).

I can withdraw any of these choices at any time by telling the clinic; withdrawing does not affect my care.`;

/** The form for a new form or a form's next version (the short name fixed for a new version). */
function FormEditor(props: { base?: ConsentForm; kind?: string; onSaved: (form: ConsentForm) => void; idPrefix: string }) {
  const { error, busy, run } = useAction();
  const [kind, setKind] = useState(props.base?.kind ?? props.kind ?? 'procedure');
  const p = props.idPrefix;
  return (
    <form
      className="wide-form"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        void run(api<ConsentForm>('POST', '/api/v1/consent-forms', { kind, procedureKey: props.base?.procedureKey ?? String(data.get('procedureKey')), title: String(data.get('title')), body: String(data.get('body')) }).then(props.onSaved));
      }}
    >
      {!props.base && (
        <>
          <label htmlFor={`${p}-kind`}>Kind</label>
          <select id={`${p}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="procedure">Procedure consent</option>
            <option value="photo">Photo consent (clinical record, teaching, marketing)</option>
          </select>
          <label htmlFor={`${p}-key`}>Short name (lower-case letters, digits and hyphens; the same name later publishes a new version)</label>
          <input id={`${p}-key`} name="procedureKey" required pattern="[a-z0-9\-]{2,60}" placeholder={kind === 'photo' ? 'photos' : 'rhinoplasty'} autoComplete="off" />
        </>
      )}
      <label htmlFor={`${p}-title`}>Title</label>
      <input id={`${p}-title`} name="title" required minLength={3} maxLength={200} defaultValue={props.base?.title ?? (kind === 'photo' ? 'Clinical photography' : '')} />
      <label htmlFor={`${p}-body`}>Text the patient reads and signs</label>
      <textarea id={`${p}-body`} name="body" rows={10} required minLength={20} maxLength={50_000} defaultValue={props.base?.body ?? (kind === 'photo' ? PHOTO_TEMPLATE : '')} key={kind} />
      <ErrorText error={error} />
      <button type="submit" disabled={busy}>
        {props.base ? `Publish version ${props.base.version + 1}` : 'Create form'}
      </button>
    </form>
  );
}

export function ConsentFormsPage() {
  const { data, error, reload } = useResource<ConsentFormList>('/api/v1/consent-forms/versions');
  const [note, setNote] = useState<string>();
  const versions = data?.forms ?? [];
  const keys = [...new Set(versions.map((f) => f.procedureKey))];
  const saved = (form: ConsentForm) => {
    setNote(`${form.title}: version ${form.version} published. New signatures use it; earlier signatures keep the version they signed.`);
    void reload();
  };
  return (
    <>
      <h1>Consent forms</h1>
      <p>The documents patients sign before a procedure or a photograph. Editing a form publishes a new version: only the newest can be signed, and every signed consent keeps the exact text it was signed on.</p>
      <ErrorText error={error} />
      <p role="status">{note ?? ''}</p>
      {data && !versions.some((f) => f.kind === 'photo') && (
        <p className="notice warning">
          <strong>No photo consent form yet.</strong> No photo can be taken or shown until a patient has signed one. Create one below (a starting text is filled in for you).
        </p>
      )}
      <ul className="cards">
        {keys.map((key) => {
          const all = versions.filter((f) => f.procedureKey === key);
          const current = all[0] as ConsentForm;
          return (
            <li key={key}>
              <h2>
                {current.title} <span className="hint">(version {current.version})</span>
              </h2>
              <p className="hint">
                {current.kind === 'photo' ? 'Photo consent' : 'Procedure consent'} · short name <code>{key}</code> · published {formatWhen(current.createdAt)}
              </p>
              <details>
                <summary>Read the current text</summary>
                <div className="document">{current.body}</div>
              </details>
              <details>
                <summary>New version of “{current.title}”</summary>
                <FormEditor base={current} onSaved={saved} idPrefix={`v-${key}`} />
              </details>
              {all.length > 1 && (
                <details>
                  <summary>Earlier versions ({all.length - 1})</summary>
                  <ul>
                    {all.slice(1).map((f) => (
                      <li key={f.id}>
                        Version {f.version}, {formatWhen(f.createdAt)}: {f.title}
                        <div className="document">{f.body}</div>
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </li>
          );
        })}
      </ul>
      <h2>Create a form</h2>
      <FormEditor kind={versions.some((f) => f.kind === 'photo') ? 'procedure' : 'photo'} onSaved={saved} idPrefix="new-form" key={versions.length} />
    </>
  );
}
