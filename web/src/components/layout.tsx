/**
 * The frame of every signed-in page: navigation, who is signed in, sign-out, and the page.
 *
 * Sign-out is a plain form POST, not a fetch: the server's answer is a redirect the browser must
 * follow as a navigation — to the identity provider's end-session endpoint, which ends the provider's
 * session too, or to the sign-in page. A form cannot send headers, so the CSRF token is a field.
 */
import { NavLink, Outlet } from 'react-router';
import { DASHBOARD_PATHS } from '../../../src/api/dashboard-paths.ts';
import type { MeBody } from '../../../src/api/identity.ts';
import { PATHS } from '../../../src/api/paths.ts';

const NAV = [
  { to: DASHBOARD_PATHS.promotions, label: 'Promotions' },
  { to: DASHBOARD_PATHS.releases, label: 'Releases' },
  { to: DASHBOARD_PATHS.rules, label: 'Rules' },
  { to: DASHBOARD_PATHS.audit, label: 'Audit' },
] as const;

export function Layout({ me }: { me: MeBody | undefined }) {
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
            <form method="post" action={PATHS.logout}>
              <input type="hidden" name="csrf" value={me.csrfToken ?? ''} />
              <button type="submit">Sign out</button>
            </form>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
