/** Patients: search and list (no personal data in the list), and the record with its panels (appointments, consent, clinical, photos, finance). */
import { useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { Patient, Permission, PatientList, PatientSearchResults } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Loading } from '../components/Loading.js';
import { Table } from '../components/Table.js';
import { useAction, usePagedList, useResource } from '../hooks.js';
import { Link } from '../router.js';
import { Appointments } from './PatientAppointments.js';
import { ClinicalRecord } from './PatientClinical.js';
import { Consents } from './PatientConsents.js';
import { Finance } from './PatientFinance.js';
import { PhotosPanel } from './Photos.js';

export function PatientListPage() {
  const { rows, error, setError, hasMore, busy, loadMore } = usePagedList('/api/v1/patients', (page: PatientList) => page.patients);
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
          {found.indexBuilding !== null ? (
            <p role="status">Name search is getting ready: the name index is being built ({found.indexBuilding}%). Search by email or phone now, or try the name again in a minute.</p>
          ) : found.isTooBroad ? (
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
      {hasMore && (
        <button type="button" className="secondary" disabled={busy} onClick={loadMore}>
          Show older patients
        </button>
      )}
    </>
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
