/** The frame of every signed-in page: navigation, who is signed in, sign-out, and the page. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { DASHBOARD_PATHS } from '../../../src/api/dashboard-paths.ts';
import type { MeBody } from '../../../src/api/identity.ts';
import { PATHS } from '../../../src/api/paths.ts';
import { useApi } from '../api/api-context.tsx';
import { ErrorBox } from './error-box.tsx';

const NAV = [
  { to: DASHBOARD_PATHS.promotions, label: 'Promotions' },
  { to: DASHBOARD_PATHS.releases, label: 'Releases' },
  { to: DASHBOARD_PATHS.rules, label: 'Rules' },
  { to: DASHBOARD_PATHS.audit, label: 'Audit' },
] as const;

export function Layout({ me }: { me: MeBody | undefined }) {
  const api = useApi();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const signOut = async () => {
    try {
      await api.post(PATHS.logout);
      client.clear();
      navigate(DASHBOARD_PATHS.signIn, { replace: true });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">ferry</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/'}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          {me !== undefined && <span title={me.roles.join(', ')}>{me.identity.display}</span>}
          {me !== undefined && me.identity.kind !== 'token' && (
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      {error !== null && <ErrorBox error={error} title="Sign-out failed" />}
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
