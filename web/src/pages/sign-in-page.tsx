/**
 * Sign-in: the server does the OpenID Connect flow (`/auth/login` redirects to the identity provider
 * and back), so this page is a link. `returnTo` brings the person back to the page they asked for; the
 * server accepts only paths of this origin (safeReturnTo, src/api/sign-in.ts).
 */
import { useSearchParams } from 'react-router';
import { PATHS } from '../../../src/api/paths.ts';
import { safeReturnTo } from '../../../src/api/sign-in.ts';

export function SignInPage() {
  const [search] = useSearchParams();
  const returnTo = safeReturnTo(search.get('returnTo'));
  return (
    <main id="main" className="sign-in">
      <h1>ferry</h1>
      <p>Promotions, releases and the audit trail of this ferry server.</p>
      <p>
        <a className="button primary" href={`${PATHS.login}?${new URLSearchParams({ returnTo })}`}>
          Sign in with your company account
        </a>
      </p>
      <p className="muted">
        Trying ferry out? <code>ferry serve --one-time-login FILE</code> writes a single-use sign-in link to
        FILE.
      </p>
    </main>
  );
}
