/** Before and after photos of the same angle compared: side by side, or a slider. */
import { useState } from 'react';
import type { Photo } from '../api-types.js';
import { ANGLES, photoSrc } from './photo-display.js';

/** Before and after of one angle: side by side, or one over the other with a slider. */
export function Compare(props: { photos: Photo[]; use: string }) {
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
            <img src={photoSrc(before.id, 'image', props.use)} alt={`Before, ${ANGLES[current ?? ''] ?? ''}, ${before.takenOn}`} style={{ aspectRatio: aspect }} />
            <figcaption>Before · {before.takenOn}</figcaption>
          </figure>
          <figure>
            <img src={photoSrc(after.id, 'image', props.use)} alt={`After, ${ANGLES[current ?? ''] ?? ''}, ${after.takenOn}`} style={{ aspectRatio: aspect }} />
            <figcaption>After · {after.takenOn}</figcaption>
          </figure>
        </div>
      ) : (
        <>
          <div className="slider-frame" style={{ aspectRatio: aspect }}>
            <img className="slider-before" src={photoSrc(before.id, 'image', props.use)} alt={`Before, ${before.takenOn}`} />
            <img className="slider-after" src={photoSrc(after.id, 'image', props.use)} alt={`After, ${after.takenOn}`} style={{ clipPath: `inset(0 0 0 ${position}%)` }} />
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
