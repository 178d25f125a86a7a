/** A patient's consents: photo consent now and withdrawing it, signed forms, and signing one on the tablet or by link. */
import { useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { ConsentForm, ConsentFormList, ConsentLink, Patient } from '../api-types.js';
import { useConfirm } from '../components/ConfirmDialog.js';
import { ErrorText } from '../components/ErrorText.js';
import { SCOPE_LABELS, SigningPanel } from '../components/SigningPanel.js';
import { Table } from '../components/Table.js';
import { useAction } from '../hooks.js';

export function Consents(props: { patient: Patient; canManage: boolean; onChange: () => void }) {
  const [forms, setForms] = useState<ConsentForm[]>([]);
  const [signing, setSigning] = useState<ConsentForm>();
  const [link, setLink] = useState<string>();
  const { error, run } = useAction();
  const { ask, dialog } = useConfirm();
  useEffect(() => {
    if (props.canManage) void api<ConsentFormList>('GET', '/api/v1/consent-forms').then((r) => setForms(r.forms));
  }, [props.canManage]);
  const pick = (id: string) => forms.find((f) => f.id === id);
  return (
    <section>
      {dialog}
      <h2>Consent</h2>
      <p>
        Photo consent now:{' '}
        {props.patient.photoScopes.length === 0 ? <strong>none — photos cannot be taken or shown</strong> : props.patient.photoScopes.map((s) => SCOPE_LABELS[s]?.split(' (')[0]).join(', ')}
      </p>
      {props.canManage &&
        props.patient.photoScopes.map((scope) => (
          <button
            key={scope}
            type="button"
            className="secondary"
            onClick={() =>
              ask({
                title: `Withdraw consent for “${SCOPE_LABELS[scope]?.split(' (')[0] ?? scope}” photos?`,
                message: `From now on this patient’s photos can no longer be shown or used for ${SCOPE_LABELS[scope]?.split(' (')[0]?.toLowerCase() ?? scope}. Only a newly signed photo consent form grants it again.`,
                action: 'Withdraw consent',
              }, () => run(api('POST', `/api/v1/patients/${props.patient.id}/photo-consent/withdraw`, { scope }).then(props.onChange)))
            }
          >
            Withdraw “{scope}”
          </button>
        ))}
      {props.patient.consents.length > 0 && (
        <Table rows={props.patient.consents.map((c) => ({ key: c.id, cells: [`${c.title} v${c.version}`, c.scopes.join(', ') || '—', c.method === 'link' ? 'signed by link' : 'signed on tablet', formatWhen(c.signedAt)] }))} />
      )}
      {props.canManage && forms.length > 0 && !signing && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const form = pick(String(data.get('formId')));
            if (!form) return;
            if ((event.nativeEvent as SubmitEvent).submitter?.getAttribute('value') === 'link') {
              void run(api<ConsentLink>('POST', `/api/v1/patients/${props.patient.id}/consent-links`, { formId: form.id }).then((r) => setLink(`${window.location.origin}${r.path}`)));
            } else setSigning(form);
          }}
        >
          <label htmlFor="formId">Form</label>
          <select id="formId" name="formId">
            {forms.map((f) => (
              <option key={f.id} value={f.id}>
                {f.title} (v{f.version})
              </option>
            ))}
          </select>
          <div className="row">
            <button type="submit" value="tablet">
              Sign on this tablet
            </button>
            <button type="submit" value="link" className="secondary">
              Make a signing link
            </button>
          </div>
        </form>
      )}
      {props.canManage && forms.length === 0 && (
        <p className="hint">No consent form exists yet: an administrator or the data-protection officer creates them under Consent forms.</p>
      )}
      {link && (
        <p className="notice">
          Signing link (valid 72 hours, single use): <code className="secret">{link}</code>
        </p>
      )}
      {signing && (
        <SigningPanel
          form={signing}
          submit={(body) => api('POST', `/api/v1/patients/${props.patient.id}/consents`, { formId: signing.id, ...body })}
          onDone={() => {
            setSigning(undefined);
            props.onChange();
          }}
        />
      )}
      <ErrorText error={error} />
    </section>
  );
}
