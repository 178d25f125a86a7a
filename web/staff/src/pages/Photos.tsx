/**
 * Clinical photos: per-visit gallery, upload from a computer or a phone
 * camera, side-by-side and slider before/after comparison of the same angle,
 * and exports. Every image the server sends is watermarked for the viewer
 * and recorded in the audit log.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, formatWhen } from '../api.js';
import type { Photo, PhotoExportCreated, PhotoExportList, PhotoList } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { useAction, useResource } from '../hooks.js';

const ANGLES: Record<string, string> = {
  front: 'Front',
  'oblique-left': 'Oblique left',
  'oblique-right': 'Oblique right',
  'profile-left': 'Profile left',
  'profile-right': 'Profile right',
  back: 'Back',
  detail: 'Detail',
};

const src = (id: string, variant: 'thumb' | 'image', use: string) => `/api/v1/photos/${id}/${variant}?use=${use}`;

function Upload(props: { patientId: string; onDone: () => void }) {
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

/** Before and after of one angle: side by side, or one over the other with a slider. */
function Compare(props: { photos: Photo[]; use: string }) {
  const angles = [...new Set(props.photos.filter((p) => p.phase === 'before').map((p) => p.angle))].filter((angle) => props.photos.some((p) => p.phase === 'after' && p.angle === angle));
  const [angle, setAngle] = useState(angles[0]);
  const [mode, setMode] = useState<'slider' | 'side-by-side'>('slider');
  const [position, setPosition] = useState(50);
  if (angles.length === 0) return <p className="hint">Add a before and an after photo of the same angle to compare them.</p>;
  const current = angle && angles.includes(angle) ? angle : angles[0];
  const before = props.photos.filter((p) => p.phase === 'before' && p.angle === current).sort((a, b) => a.takenOn.localeCompare(b.takenOn))[0];
  const after = props.photos.filter((p) => p.phase === 'after' && p.angle === current).sort((a, b) => b.takenOn.localeCompare(a.takenOn))[0];
  if (!before || !after) return null;
  const aspect = `${before.width} / ${before.height}`;
  return (
    <section className="compare" aria-label="Before and after comparison">
      <div className="row">
        <label htmlFor="compare-angle">Angle</label>
        <select id="compare-angle" value={current} onChange={(e) => setAngle(e.target.value)}>
          {angles.map((a) => (
            <option key={a} value={a}>
              {ANGLES[a] ?? a}
            </option>
          ))}
        </select>
        <button type="button" className={mode === 'slider' ? '' : 'secondary'} aria-pressed={mode === 'slider'} onClick={() => setMode('slider')}>
          Slider
        </button>
        <button type="button" className={mode === 'side-by-side' ? '' : 'secondary'} aria-pressed={mode === 'side-by-side'} onClick={() => setMode('side-by-side')}>
          Side by side
        </button>
      </div>
      {mode === 'side-by-side' ? (
        <div className="side-by-side">
          <figure>
            <img src={src(before.id, 'image', props.use)} alt={`Before, ${ANGLES[current ?? ''] ?? ''}, ${before.takenOn}`} style={{ aspectRatio: aspect }} />
            <figcaption>Before · {before.takenOn}</figcaption>
          </figure>
          <figure>
            <img src={src(after.id, 'image', props.use)} alt={`After, ${ANGLES[current ?? ''] ?? ''}, ${after.takenOn}`} style={{ aspectRatio: aspect }} />
            <figcaption>After · {after.takenOn}</figcaption>
          </figure>
        </div>
      ) : (
        <>
          <div className="slider-frame" style={{ aspectRatio: aspect }}>
            <img className="slider-before" src={src(before.id, 'image', props.use)} alt={`Before, ${before.takenOn}`} />
            <img className="slider-after" src={src(after.id, 'image', props.use)} alt={`After, ${after.takenOn}`} style={{ clipPath: `inset(0 0 0 ${position}%)` }} />
            <div className="slider-line" style={{ left: `${position}%` }} aria-hidden="true" />
          </div>
          <label htmlFor="compare-position" className="visually-hidden">
            Comparison position: before on the left, after on the right
          </label>
          <input id="compare-position" type="range" min={0} max={100} value={position} onChange={(e) => setPosition(Number(e.target.value))} className="slider-range" />
          <p className="hint">
            Before · {before.takenOn} ← → After · {after.takenOn}
          </p>
        </>
      )}
    </section>
  );
}

export function PhotosPanel(props: { patientId: string; scopes: string[]; canUpload: boolean; canExport: boolean }) {
  const [use, setUse] = useState(props.scopes.includes('clinical') ? 'clinical' : (props.scopes[0] ?? 'clinical'));
  const [photos, setPhotos] = useState<Photo[]>();
  const [open, setOpen] = useState<Photo>();
  const { error, setError, run } = useAction();
  const [exportNote, setExportNote] = useState<string>();
  const exporting = useAction(setExportNote);
  const load = useCallback(
    () =>
      run(
        api<PhotoList>('GET', `/api/v1/patients/${props.patientId}/photos?use=${use}`).then((r) => {
          setPhotos(r.photos);
          setError(undefined);
        }),
      ),
    [props.patientId, use, run, setError],
  );
  useEffect(() => {
    if (props.scopes.length > 0) void load();
  }, [load, props.scopes.length]);
  if (props.scopes.length === 0) {
    return (
      <section>
        <h2>Photos</h2>
        <p>The patient has not given photo consent. Ask them to sign the photography consent form first.</p>
      </section>
    );
  }
  const visits = [...new Set((photos ?? []).map((p) => p.takenOn))].sort();
  return (
    <section>
      <h2>Photos</h2>
      <div className="row">
        <label htmlFor="use">Use</label>
        <select id="use" value={use} onChange={(e) => setUse(e.target.value)}>
          {props.scopes.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className="hint">Images carry your name-tag watermark; every view is recorded.</span>
      </div>
      <ErrorText error={error} />
      {props.canUpload && props.scopes.includes('clinical') && <Upload patientId={props.patientId} onDone={() => void load()} />}
      {photos && photos.length === 0 && <p>No photos yet.</p>}
      {visits.map((visit) => (
        <div key={visit} className="visit">
          <h3>{formatWhen(`${visit}T12:00:00Z`).split(',')[0]}</h3>
          <ul className="gallery">
            {(photos ?? [])
              .filter((p) => p.takenOn === visit)
              .map((p) => (
                <li key={p.id}>
                  <button type="button" className="thumb" onClick={() => setOpen(p)} aria-label={`Open ${p.phase} ${ANGLES[p.angle] ?? p.angle}`}>
                    <img src={src(p.id, 'thumb', use)} alt={`${p.phase}, ${ANGLES[p.angle] ?? p.angle}`} loading="lazy" />
                  </button>
                  <span>
                    {p.phase} · {ANGLES[p.angle] ?? p.angle}
                  </span>
                </li>
              ))}
          </ul>
        </div>
      ))}
      {open && (
        <figure className="viewer">
          <img src={src(open.id, 'image', use)} alt={`${open.phase}, ${ANGLES[open.angle] ?? open.angle}, ${open.takenOn}`} />
          <figcaption>
            {open.phase} · {ANGLES[open.angle] ?? open.angle} · {open.takenOn} {open.bodyArea && `· ${open.bodyArea}`} {open.caption && `— ${open.caption}`}{' '}
            <a href={`/api/v1/photos/${open.id}/download?use=${use}`}>Download</a>{' '}
            <button type="button" className="link" onClick={() => setOpen(undefined)}>
              Close
            </button>
          </figcaption>
        </figure>
      )}
      {photos && <Compare photos={photos} use={use} />}
      {props.canExport && photos && photos.length > 0 && (
        <p>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void exporting.run(
                api<PhotoExportCreated>('POST', '/api/v1/photo-exports', { patientIds: [props.patientId], reason: 'Copy of this patient’s photos' }).then((r) => {
                  window.location.href = `/api/v1/photo-exports/${r.id}/download`;
                  setExportNote('Export ready: downloading a ZIP of watermarked copies.');
                }),
              )
            }
          >
            Export this patient’s photos
          </button>{' '}
          {exportNote && <span role="status">{exportNote}</span>}
        </p>
      )}
    </section>
  );
}

/** Photo exports: approvals by a second person, and downloads of approved ones. */
export function ExportsPage(props: { staffId: string }) {
  const { data, error, setError, reload: load } = useResource<PhotoExportList>('/api/v1/photo-exports');
  const { run } = useAction(setError);
  const rows = data?.exports;
  return (
    <>
      <h1>Photo exports</h1>
      <p>Exporting more than one patient’s photos needs a second person’s approval. Every exported image is watermarked for the person who downloads it.</p>
      <ErrorText error={error} />
      <Table
        headings={['Requested', 'By', 'Patients', 'Reason', 'State']}
        rows={(rows ?? []).map((r) => ({
          key: r.id,
          cells: [
            formatWhen(r.createdAt),
            r.requester,
            r.patientCount,
            r.reason,
            r.downloadedAt ? (
              'downloaded'
            ) : r.approvedAt ? (
              r.requesterId === props.staffId ? (
                <a href={`/api/v1/photo-exports/${r.id}/download`}>Download</a>
              ) : (
                'approved'
              )
            ) : r.requesterId === props.staffId ? (
              'waiting for approval'
            ) : (
              <button type="button" onClick={() => void run(api('POST', `/api/v1/photo-exports/${r.id}/approve`).then(load))}>
                Approve
              </button>
            ),
          ],
        }))}
      />
    </>
  );
}
