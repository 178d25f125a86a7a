/** Talking to the server from a component: load a resource (useResource), or run an action and show why it failed (useAction). */
import { useCallback, useEffect, useState } from 'react';
import { api, describeError } from './api.js';

/** GET a JSON resource, with its error text and a reload (which never rejects: a failure becomes `error`). */
export function useResource<T>(url: string | undefined): { data: T | undefined; error: string | undefined; setError: (error: string | undefined) => void; reload: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const reload = useCallback(async () => {
    if (!url) return;
    try {
      setData(await api<T>('GET', url));
      setError(undefined);
    } catch (e) {
      setError(describeError(e));
    }
  }, [url]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, setError, reload };
}

/**
 * Run a call to the server (with whatever follows it, chained on): `run(work)`
 * settles when `work` does and never rejects. A failure becomes `error` in
 * staff's words (describeError), or is handed to `report` when the message
 * belongs elsewhere (a useResource's setError, another state setter; pass a
 * stable function). A run does not clear an earlier error. `busy` is true
 * from the start of a run to its end.
 */
export function useAction(report?: (message: string) => void): { error: string | undefined; setError: (error: string | undefined) => void; busy: boolean; run: (work: Promise<unknown>) => Promise<void> } {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    (work: Promise<unknown>) => {
      setBusy(true);
      return work
        .then(
          () => undefined,
          (e: unknown) => (report ?? setError)(describeError(e)),
        )
        .finally(() => setBusy(false));
    },
    [report],
  );
  return { error, setError, busy, run };
}

/**
 * A keyset-paged list (GET `url`, then `url&cursor=…` for each "Show older"):
 * the pages fetched so far, concatenated, and whether there is more.
 */
export function usePagedList<Row, Page extends { nextCursor: string | null }>(url: string, rowsOf: (page: Page) => Row[]): { rows: Row[] | undefined; error: string | undefined; setError: (error: string | undefined) => void; hasMore: boolean; busy: boolean; loadMore: () => void } {
  const { data, error, setError } = useResource<Page>(url);
  const [older, setOlder] = useState<{ rows: Row[]; next: string | null }>();
  const { busy, run } = useAction(setError);
  useEffect(() => setOlder(undefined), [data]);
  const next = older ? older.next : (data?.nextCursor ?? null);
  const loadMore = () => {
    if (!next) return;
    void run(
      api<Page>('GET', `${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(next)}`).then((page) => setOlder((previous) => ({ rows: [...(previous?.rows ?? []), ...rowsOf(page)], next: page.nextCursor }))),
    );
  };
  return { rows: data ? [...rowsOf(data), ...(older?.rows ?? [])] : undefined, error, setError, hasMore: next !== null, busy, loadMore };
}
