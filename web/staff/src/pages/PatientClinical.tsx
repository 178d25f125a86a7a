/** A patient's clinical record: procedures and notes, and adding a note. */
import { api, formatWhen } from '../api.js';
import type { PatientClinical } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction, useResource } from '../hooks.js';

export function ClinicalRecord(props: { patientId: string; canWrite: boolean }) {
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
