/** Freshly issued recovery codes, shown once. */

export function RecoveryCodes(props: { codes: readonly string[]; onDone: () => void }) {
  return (
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Your recovery codes</h2>
      <p>Each code works once if you lose your passkey or authenticator. Store them somewhere safe now: they are not shown again.</p>
      <ul className="codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={props.onDone}>
        I have saved them
      </button>
    </section>
  );
}
