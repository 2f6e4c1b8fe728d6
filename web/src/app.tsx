/**
 * The routes (the paths are the contract's DASHBOARD_PATHS, which the server answers with this app) and
 * the sign-in gate: every page but sign-in needs `/api/v1/me`; a 401 sends the person to the sign-in
 * page with the way back.
 */
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { DASHBOARD_PATHS } from '../../src/api/dashboard-paths.ts';
import { isUnauthenticated } from './api/api-error.ts';
import { useMe } from './api/queries.ts';
import { ErrorBox } from './components/error-box.tsx';
import { Layout } from './components/layout.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PromotionDetailPage } from './pages/promotion-detail-page.tsx';
import { PromotionsPage } from './pages/promotions-page.tsx';
import { ReleasePage } from './pages/release-page.tsx';
import { ReleasesPage } from './pages/releases-page.tsx';
import { RulesPage } from './pages/rules-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';

export function App() {
  return (
    <Routes>
      <Route path={DASHBOARD_PATHS.signIn} element={<SignInPage />} />
      <Route path="*" element={<SignedIn />} />
    </Routes>
  );
}

/**
 * Pages render at once, reading their data in parallel with `/api/v1/me` (no waterfall on the first
 * load); what depends on the identity (its name, the action buttons) appears when `me` has arrived.
 */
function SignedIn() {
  const me = useMe();
  const location = useLocation();
  if (me.isError) {
    if (isUnauthenticated(me.error)) {
      const returnTo = `${location.pathname}${location.search}${location.hash}`;
      return <Navigate to={`${DASHBOARD_PATHS.signIn}?${new URLSearchParams({ returnTo })}`} replace />;
    }
    return (
      <main id="main">
        <ErrorBox error={me.error} title="ferry could not be reached" />
      </main>
    );
  }
  const data = me.data;
  return (
    <Routes>
      <Route element={<Layout me={data} />}>
        <Route path={DASHBOARD_PATHS.promotions} element={<PromotionsPage />} />
        <Route path={DASHBOARD_PATHS.promotion} element={<PromotionDetailPage me={data} />} />
        <Route path={DASHBOARD_PATHS.releases} element={<ReleasesPage />} />
        <Route path={DASHBOARD_PATHS.release} element={<ReleasePage me={data} />} />
        <Route path={DASHBOARD_PATHS.rules} element={<RulesPage />} />
        <Route path={DASHBOARD_PATHS.audit} element={<AuditPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
