/** A one-code form (authenticator or recovery code) posted to `url`. */
import { api } from '../api.js';
import { useAction } from '../hooks.js';
import { ErrorText } from './ErrorText.js';

export function CodeForm(props: { label: string; url: string; onDone: () => void; autoComplete?: string }) {
  const { error, run } = useAction();
  const id = `code-${props.url.replace(/\W/g, '')}`;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const code = String(new FormData(event.currentTarget).get('code'));
        void run(api('POST', props.url, { code }).then(props.onDone));
      }}
    >
      <label htmlFor={id}>{props.label}</label>
      <input id={id} name="code" autoComplete={props.autoComplete ?? 'one-time-code'} required />
      <ErrorText error={error} />
      <button type="submit">Verify</button>
    </form>
  );
}
