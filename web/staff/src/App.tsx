/** Staff UI shell: the sign-in stages, then the menu and the page for the path (both from the route table, routes.tsx). */
import { useCallback, useEffect, useState } from 'react';
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

  return (
    <>
      <header className="top">
        <span className="brand">Tacet</span>
        <nav aria-label="Main">
          {menuFor(context).map((item) => (
            <Link key={item.path} to={item.path}>
              {item.label}
              {/* A blocked person's count would only be refused (and recorded as refused): no badge until the gate opens. */}
              {(state.blocks ?? []).length === 0 && item.badge?.(path)}
            </Link>
          ))}
        </nav>
        <span className="who">{state.staff?.name}</span>
        <button type="button" className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main>{pageFor(path, context)}</main>
    </>
  );
}
