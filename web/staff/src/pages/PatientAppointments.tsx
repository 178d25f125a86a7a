/** A patient's appointments, and booking one (the practitioner joins the care team). */
import { api, formatWhen } from '../api.js';
import type { Patient } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { useAction } from '../hooks.js';

export function Appointments(props: { patient: Patient; canWrite: boolean; onChange: () => void }) {
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
