/** A live error line under a form or section: empty when there is nothing wrong (it keeps its height). */
export function ErrorText(props: { error?: string }) {
  return (
    <p className="error" role="alert" aria-live="assertive">
      {props.error ?? ''}
    </p>
  );
}
