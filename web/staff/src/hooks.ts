/** Data loading for pages: GET a JSON resource, with its error text and a reload. */
import { useCallback, useEffect, useState } from 'react';
import { api, describeError } from './api.js';

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
