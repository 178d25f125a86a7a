/** Shown while a page's data is on its way. */
export function Loading() {
  return <p className="loading">Loading…</p>;
}
