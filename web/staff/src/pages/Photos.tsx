/**
 * The photos panel of a patient's record: the gallery per visit and the
 * viewer, for one consented use; upload (PhotoUpload), before/after
 * comparison (PhotoCompare) and exporting this patient's photos. Every image
 * the server sends is watermarked for the viewer and recorded in the audit log.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, formatWhen } from '../api.js';
import type { Photo, PhotoExportCreated, PhotoList } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction } from '../hooks.js';
import { ANGLES, photoSrc } from './photo-display.js';
import { Compare } from './PhotoCompare.js';
import { Upload } from './PhotoUpload.js';

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
                    <img src={photoSrc(p.id, 'thumb', use)} alt={`${p.phase}, ${ANGLES[p.angle] ?? p.angle}`} loading="lazy" />
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
          <img src={photoSrc(open.id, 'image', use)} alt={`${open.phase}, ${ANGLES[open.angle] ?? open.angle}, ${open.takenOn}`} />
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
