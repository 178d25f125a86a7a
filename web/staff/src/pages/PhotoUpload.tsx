/** Adding a photo to a patient's record from a computer or a phone camera. */
import { ApiError } from '../api.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction } from '../hooks.js';
import { ANGLES } from './photo-display.js';

export function Upload(props: { patientId: string; onDone: () => void }) {
  const { error, setError, busy, run } = useAction();
  return (
    <details>
      <summary>Add a photo</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          setError(undefined);
          // Fields first, then the file: the server knows what the photo is before the bytes stream in.
          void run(
            fetch(`/api/v1/patients/${props.patientId}/photos`, { method: 'POST', body: new FormData(form), credentials: 'same-origin' }).then(async (response) => {
              if (!response.ok) throw new ApiError(response.status, ((await response.json()) as { error: ApiError['body'] }).error);
              form.reset();
              props.onDone();
            }),
          );
        }}
      >
        <label htmlFor="phase">Stage</label>
        <select id="phase" name="phase">
          <option value="before">Before</option>
          <option value="after">After</option>
          <option value="progress">Progress</option>
        </select>
        <label htmlFor="angle">Angle</label>
        <select id="angle" name="angle">
          {Object.entries(ANGLES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor="takenOn">Taken on</label>
        <input id="takenOn" name="takenOn" type="date" required defaultValue={new Date().toISOString().slice(0, 10)} />
        <label htmlFor="bodyArea">Body area</label>
        <input id="bodyArea" name="bodyArea" maxLength={100} />
        <label htmlFor="caption">Caption</label>
        <input id="caption" name="caption" maxLength={500} />
        <label htmlFor="file">Photo (JPEG, PNG or WebP; location and camera details are removed)</label>
        <input id="file" name="file" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" required />
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Uploading…' : 'Upload'}
        </button>
      </form>
    </details>
  );
}
