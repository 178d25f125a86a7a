/** Signing a consent form: the document, the photo-use choices, the typed name and a drawn signature. Used on the clinic's tablet and on the patient's signing-link page. */
import { useRef, useState } from 'react';
import type { LinkForm } from '../api-types.js';
import { useAction } from '../hooks.js';
import { ErrorText } from './ErrorText.js';

export const SCOPE_LABELS: Record<string, string> = {
  clinical: 'Clinical record only (my care at this clinic)',
  teaching: 'Teaching (training clinicians; never identifiable)',
  marketing: 'Marketing (before/after galleries, social media)',
};

/** A drawn signature on a canvas (mouse, pen or finger). Reports a PNG data URL, or undefined when blank. */
export function SignaturePad(props: { onChange: (dataUrl: string | undefined) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const inked = useRef(false);
  const point = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return [((event.clientX - box.left) * event.currentTarget.width) / box.width, ((event.clientY - box.top) * event.currentTarget.height) / box.height] as const;
  };
  const clear = () => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx && canvas.current) ctx.clearRect(0, 0, canvas.current.width, canvas.current.height);
    inked.current = false;
    props.onChange(undefined);
  };
  return (
    <div className="signature">
      <canvas
        ref={canvas}
        width={600}
        height={180}
        role="img"
        aria-label="Signature pad: sign with your finger, a pen or the mouse"
        onPointerDown={(event) => {
          drawing.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
          const ctx = event.currentTarget.getContext('2d');
          const [x, y] = point(event);
          ctx?.beginPath();
          ctx?.moveTo(x, y);
        }}
        onPointerMove={(event) => {
          if (!drawing.current) return;
          const ctx = event.currentTarget.getContext('2d');
          if (!ctx) return;
          const [x, y] = point(event);
          ctx.lineWidth = 2.5;
          ctx.lineCap = 'round';
          ctx.strokeStyle = '#102a43';
          ctx.lineTo(x, y);
          ctx.stroke();
          inked.current = true;
        }}
        onPointerUp={(event) => {
          drawing.current = false;
          if (inked.current) props.onChange(event.currentTarget.toDataURL('image/png'));
        }}
      />
      <button type="button" className="link" onClick={clear}>
        Clear signature
      </button>
    </div>
  );
}

/** The document, the choices, the typed name and the drawn signature; `submit` records it. */
export function SigningPanel(props: { form: LinkForm; submit: (signing: { typedName: string; drawnSignature: string; scopes: string[] }) => Promise<void>; onDone: () => void }) {
  const [signature, setSignature] = useState<string>();
  const { error, setError, busy, run } = useAction();
  return (
    <form
      className="signing"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        if (!signature) return setError('Please sign in the box.');
        void run(props.submit({ typedName: String(data.get('typedName')), drawnSignature: signature, scopes: props.form.kind === 'photo' ? data.getAll('scope').map(String) : [] }).then(props.onDone));
      }}
    >
      <h3>
        {props.form.title} <span className="hint">(version {props.form.version})</span>
      </h3>
      <div className="document">{props.form.body}</div>
      {props.form.kind === 'photo' && (
        <fieldset>
          <legend>I agree to my photographs being used for:</legend>
          {Object.entries(SCOPE_LABELS).map(([scope, label]) => (
            <label key={scope} className="check">
              <input type="checkbox" name="scope" value={scope} defaultChecked={scope === 'clinical'} /> {label}
            </label>
          ))}
        </fieldset>
      )}
      <label htmlFor="typedName">Your full name</label>
      <input id="typedName" name="typedName" required minLength={2} maxLength={200} autoComplete="off" />
      <SignaturePad onChange={setSignature} />
      <ErrorText error={error} />
      <button type="submit" disabled={busy}>
        Sign
      </button>
    </form>
  );
}
