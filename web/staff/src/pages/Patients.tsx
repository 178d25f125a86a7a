/** Patients: search and list (no personal data in the list), the record, consents, clinical notes, finance and photos. */
import { useEffect, useState } from 'react';
import { useAction, useResource } from '../hooks.js';
import { api, formatWhen } from '../api.js';
import type { ConsentForm, ConsentFormList, ConsentLink, Patient, Permission, PatientClinical, PatientFinancial, PatientList, PatientSearchResults } from '../api-types.js';
import { Link } from '../router.js';
import { SCOPE_LABELS, SigningPanel } from '../components/SigningPanel.js';
import { PhotosPanel } from './Photos.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { Loading } from '../components/Loading.js';

const money = (minor: number, currency: string) => new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(minor / 100);

export function PatientListPage() {
  const { data, error, setError } = useResource<PatientList>('/api/v1/patients');
  const rows = data?.patients;
  const [found, setFound] = useState<PatientSearchResults>();
  const { run } = useAction(setError);
  const results = found?.results;
  return (
    <>
      <h1>Patients</h1>
      <form
        className="search"
        aria-label="Find a patient"
        onSubmit={(event) => {
          event.preventDefault();
          const data = Object.fromEntries([...new FormData(event.currentTarget).entries()].filter(([, v]) => String(v).trim() !== ''));
          if (Object.keys(data).length === 0) return setError('Enter a name, date of birth, email or phone.');
          setError(undefined);
          void run(api<PatientSearchResults>('POST', '/api/v1/patients/search', data).then(setFound));
        }}
      >
        <label htmlFor="q-name">Name</label>
        <input id="q-name" name="name" minLength={2} autoComplete="off" />
        <label htmlFor="q-dob">Date of birth</label>
        <input id="q-dob" name="dob" type="date" />
        <label htmlFor="q-email">Email</label>
        <input id="q-email" name="email" type="email" autoComplete="off" />
        <label htmlFor="q-phone">Phone</label>
        <input id="q-phone" name="phone" autoComplete="off" />
        <button type="submit">Search</button>
        <p className="hint">Every result you see is recorded in the audit log.</p>
      </form>
      <ErrorText error={error} />
      {found && results && (
        <section aria-label="Search results" aria-live="polite">
          {found.isTooBroad ? (
            <p role="status">More than 10 patients match. Add a first name, the full surname or the date of birth to narrow the search.</p>
          ) : results.length === 0 ? (
            <p role="status">No patient matches.</p>
          ) : (
            <ul className="cards">
              {results.map((r) => (
                <li key={r.patientId}>
                  <Link to={`/patients/${r.patientId}`}>{r.name}</Link> {r.dob && <span className="hint">born {r.dob}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <h2>Recently added</h2>
      {rows && rows.length === 0 && <p>No patients yet. Convert an enquiry to start a record.</p>}
      {rows && rows.length > 0 && (
        <Table
          headings={['Record', 'Clinic', 'Added', 'Next appointment']}
          rows={rows.map((row) => ({ key: row.id, cells: [<Link to={`/patients/${row.id}`}>P-{row.id.slice(0, 8).toUpperCase()}</Link>, row.clinic.name, formatWhen(row.createdAt), formatWhen(row.nextAppointment)] }))}
        />
      )}
    </>
  );
}

function Appointments(props: { patient: Patient; canWrite: boolean; onChange: () => void }) {
  const { error, run } = useAction();
  const names = new Map(props.patient.practitioners.map((p) => [p.id, p.name]));
  return (
    <section>
      <h2>Appointments</h2>
      {props.patient.appointments.length === 0 ? (
        <p>None booked.</p>
      ) : (
        <Table rows={props.patient.appointments.map((a) => ({ key: a.id, cells: [formatWhen(a.startsAt), a.kind, a.practitionerId ? (names.get(a.practitionerId) ?? 'Practitioner') : '—', a.status] }))} />
      )}
      {props.canWrite && (
        <details>
          <summary>Book an appointment</summary>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              const start = new Date(String(data.get('start')));
              const end = new Date(start.getTime() + Number(data.get('minutes')) * 60_000);
              const practitionerId = String(data.get('practitionerId'));
              void run(api('POST', `/api/v1/patients/${props.patient.id}/appointments`, { kind: data.get('kind'), startsAt: start.toISOString(), endsAt: end.toISOString(), ...(practitionerId ? { practitionerId } : {}) }).then(props.onChange));
            }}
          >
            <label htmlFor="kind">Type</label>
            <select id="kind" name="kind">
              <option value="consultation">Consultation</option>
              <option value="procedure">Procedure</option>
              <option value="follow-up">Follow-up</option>
            </select>
            <label htmlFor="start">Starts</label>
            <input id="start" name="start" type="datetime-local" required />
            <label htmlFor="minutes">Length (minutes)</label>
            <input id="minutes" name="minutes" type="number" min={5} max={600} defaultValue={30} required />
            <label htmlFor="practitionerId">Practitioner (joins the care team)</label>
            <select id="practitionerId" name="practitionerId">
              <option value="">— none —</option>
              {props.patient.practitioners.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <ErrorText error={error} />
            <button type="submit">Book</button>
          </form>
        </details>
      )}
    </section>
  );
}

function Consents(props: { patient: Patient; canManage: boolean; onChange: () => void }) {
  const [forms, setForms] = useState<ConsentForm[]>([]);
  const [signing, setSigning] = useState<ConsentForm>();
  const [link, setLink] = useState<string>();
  const { error, run } = useAction();
  useEffect(() => {
    if (props.canManage) void api<ConsentFormList>('GET', '/api/v1/consent-forms').then((r) => setForms(r.forms));
  }, [props.canManage]);
  const pick = (id: string) => forms.find((f) => f.id === id);
  return (
    <section>
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
            onClick={() => void run(api('POST', `/api/v1/patients/${props.patient.id}/photo-consent/withdraw`, { scope }).then(props.onChange))}
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

function ClinicalRecord(props: { patientId: string; canWrite: boolean }) {
  const { data: record, error, setError, reload: load } = useResource<PatientClinical>(`/api/v1/patients/${props.patientId}/clinical`);
  const { run } = useAction(setError);
  return (
    <section>
      <h2>Clinical record</h2>
      <ErrorText error={error} />
      {record?.procedures.map((p) => (
        <p key={p.id}>
          <strong>{p.name}</strong> — {p.status}. {p.details}
        </p>
      ))}
      <ul className="cards">
        {record?.notes.map((n) => (
          <li key={n.id}>
            <span className="hint">{formatWhen(n.createdAt)}</span>
            <p className="message">{n.text}</p>
          </li>
        ))}
      </ul>
      {props.canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const form = event.currentTarget;
            void run(
              api('POST', `/api/v1/patients/${props.patientId}/notes`, { text: String(new FormData(form).get('text')) }).then(() => {
                form.reset();
                return load();
              }),
            );
          }}
        >
          <label htmlFor="note">Add a clinical note</label>
          <textarea id="note" name="text" required maxLength={20000} />
          <button type="submit">Save note</button>
        </form>
      )}
    </section>
  );
}

function Finance(props: { patientId: string; canWrite: boolean }) {
  const { data: record, error, setError, reload: load } = useResource<PatientFinancial>(`/api/v1/patients/${props.patientId}/financial`);
  const { run } = useAction(setError);
  return (
    <section>
      <h2>Invoices and payments</h2>
      <ErrorText error={error} />
      {record && record.invoices.length === 0 && <p>No invoices.</p>}
      {record && record.invoices.length > 0 && (
        <Table
          rows={record.invoices.map((i) => ({
            key: i.id,
            cells: [
              formatWhen(i.issuedAt),
              i.lines.map((l) => l.description).join(', '),
              money(i.totalMinor, i.currency),
              `${i.status} (${money(i.paidMinor, i.currency)} paid)`,
              props.canWrite && i.paidMinor < i.totalMinor && (
                <button type="button" className="secondary" onClick={() => void run(api('POST', `/api/v1/invoices/${i.id}/payments`, { amountMinor: i.totalMinor - i.paidMinor, method: 'card' }).then(load))}>
                  Record card payment of the balance
                </button>
              ),
            ],
          }))}
        />
      )}
      {props.canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            void run(api('POST', `/api/v1/patients/${props.patientId}/invoices`, { currency: 'GBP', lines: [{ description: String(data.get('description')), amountMinor: Math.round(Number(data.get('amount')) * 100) }] }).then(load));
          }}
        >
          <label htmlFor="description">Invoice for</label>
          <input id="description" name="description" required maxLength={200} />
          <label htmlFor="amount">Amount (£)</label>
          <input id="amount" name="amount" type="number" min={0} step="0.01" required />
          <button type="submit">Raise invoice</button>
        </form>
      )}
    </section>
  );
}

export function PatientDetailPage(props: { id: string; can: (permission: Permission) => boolean }) {
  const { data: patient, error, reload: load } = useResource<Patient>(`/api/v1/patients/${props.id}`);
  if (error) return <ErrorText error={error} />;
  if (!patient) return <Loading />;
  const { can } = props;
  return (
    <>
      <p>
        <Link to="/patients">← Patients</Link>
      </p>
      <h1>{patient.contact.name}</h1>
      <dl className="detail">
        <dt>Date of birth</dt>
        <dd>{patient.contact.dob ?? '—'}</dd>
        <dt>Email</dt>
        <dd>{patient.contact.email}</dd>
        <dt>Phone</dt>
        <dd>{patient.contact.phone}</dd>
        <dt>Address</dt>
        <dd>{patient.contact.address ?? '—'}</dd>
        <dt>Patient since</dt>
        <dd>{formatWhen(patient.createdAt)}</dd>
      </dl>
      <Appointments patient={patient} canWrite={can('patient.write')} onChange={() => void load()} />
      <Consents patient={patient} canManage={can('consent.manage')} onChange={() => void load()} />
      {can('clinical.read') && <ClinicalRecord patientId={patient.id} canWrite={can('clinical.write')} />}
      {can('photo.read') && <PhotosPanel patientId={patient.id} scopes={patient.photoScopes} canUpload={can('photo.write')} canExport={can('photo.export')} />}
      {can('financial.read') && <Finance patientId={patient.id} canWrite={can('financial.write')} />}
    </>
  );
}
