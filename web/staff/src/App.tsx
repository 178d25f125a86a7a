/**
 * Staff UI shell: the sign-in stages, then the menu and the page for the path
 * (both from the route table, routes.tsx). On narrow screens the menu folds
 * behind a "Menu" disclosure button (styles.css decides the width); it closes
 * again on every move to another page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import type { AuthState, Permission } from './api-types.js';
import { Loading } from './components/Loading.js';
import { SignByLinkPage } from './pages/SignByLink.js';
import { Link, navigate, usePath } from './router.js';
import { menuFor, pageFor } from './routes.js';
import { EnrolPage, SecondFactorPage, SignInPage } from './pages/SignIn.js';

export function App() {
  const path = usePath();
  // The patient's signing page needs no staff session.
  if (path === '/sign') return <SignByLinkPage />;
  return <StaffApp path={path} />;
}

function StaffApp(props: { path: string }) {
  const { path } = props;
  const [state, setState] = useState<AuthState | undefined>();
  const [isMenuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  useEffect(() => setMenuOpen(false), [path]);
  const refresh = useCallback(async () => setState(await api<AuthState>('GET', '/api/v1/auth/state')), []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (!state) return <Loading />;
  if (state.stage === 'signed-out') return <SignInPage onDone={setState} />;
  if (state.stage === 'second-factor') return <SecondFactorPage state={state} onDone={refresh} />;
  if (state.stage === 'enrol') return <EnrolPage state={state} onDone={refresh} />;

  const can = (permission: Permission) => state.staff?.permissions.includes(permission) ?? false;
  const signOut = async () => {
    await api('POST', '/api/v1/auth/logout');
    navigate('/');
    await refresh();
  };
  const context = { state, can, refresh };

  const menu = menuFor(context);
  // The menu entry of this page: the longest menu path that starts it (so /incidents/… marks Incidents).
  const current = menu.filter((item) => path === item.path || path.startsWith(`${item.path}/`)).sort((a, b) => b.path.length - a.path.length)[0]?.path;

  return (
    <>
      <a className="skip" href="#main" onClick={(event) => {
        event.preventDefault();
        mainRef.current?.focus();
      }}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Tacet</span>
        <button type="button" className="menu-toggle" aria-expanded={isMenuOpen} aria-controls="main-menu" onClick={() => setMenuOpen((open) => !open)}>
          Menu
        </button>
        <div id="main-menu" className={isMenuOpen ? 'menu open' : 'menu'}>
          <nav aria-label="Main">
            {menu.map((item) => (
              <Link key={item.path} to={item.path} isCurrent={item.path === current}>
                {item.label}
                {/* A blocked person's count would only be refused (and recorded as refused): no badge until the gate opens. */}
                {(state.blocks ?? []).length === 0 && item.badge?.(path)}
              </Link>
            ))}
          </nav>
          <div className="account">
            <span className="who">{state.staff?.name}</span>
            <button type="button" className="link" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {pageFor(path, context)}
      </main>
    </>
  );
}
