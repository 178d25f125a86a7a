/** Client-side navigation: the current path, moving to another, links that do so without a page load, and matching a path to a route's. */
import { type ReactNode, useEffect, useState } from 'react';

/** Go to `path` within the app (history entry, no page load). */
export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** An in-app link: a plain click navigates in place; Ctrl/Cmd-click opens the real URL. */
export function Link(props: { to: string; children: ReactNode; className?: string; isCurrent?: boolean }) {
  return (
    <a
      href={props.to}
      className={props.className}
      {...(props.isCurrent ? { 'aria-current': 'page' as const } : {})}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/** The current path, following `navigate` and the browser's back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return path;
}

const UUID = /^[0-9a-f-]{36}$/;

/**
 * Whether `path` is answered by `pattern` (an exact path, where a `:id`
 * segment stands for a UUID), and with which id ('' when it has none).
 */
export function matchPath(pattern: string, path: string): { id: string } | undefined {
  const wanted = pattern.split('/');
  const actual = path.split('/');
  if (wanted.length !== actual.length) return undefined;
  let id = '';
  for (const [i, segment] of wanted.entries()) {
    const value = actual[i] as string;
    if (segment === ':id') {
      if (!UUID.test(value)) return undefined;
      id = value;
    } else if (segment !== value) return undefined;
  }
  return { id };
}
