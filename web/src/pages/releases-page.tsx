/** What each destination tag points at now, per environment and repository (`GET /api/v1/releases`). */
import { Link } from 'react-router';
import { dashboardPromotionPath, dashboardReleasePath } from '../../../src/api/dashboard-paths.ts';
import type { ReleaseView } from '../../../src/api/release.ts';
import { useReleases } from '../api/queries.ts';
import { Digest } from '../components/digest.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { RelativeTime } from '../components/relative-time.tsx';

function byEnvironment(releases: readonly ReleaseView[]): Map<string, ReleaseView[]> {
  const groups = new Map<string, ReleaseView[]>();
  for (const release of releases) {
    const key = release.environment ?? release.registry;
    groups.set(key, [...(groups.get(key) ?? []), release]);
  }
  return groups;
}

export function ReleasesPage() {
  const releases = useReleases();
  return (
    <section aria-labelledby="releases-title">
      <h1 id="releases-title">Releases</h1>
      <p className="muted">
        What each destination tag points at now. Open one for its history and rollback targets.
      </p>
      {releases.isPending && <p>Loading…</p>}
      {releases.isError && <ErrorBox error={releases.error} title="The releases could not be listed" />}
      {releases.isSuccess && releases.data.releases.length === 0 && (
        <p className="empty">Nothing released yet.</p>
      )}
      {releases.isSuccess &&
        [...byEnvironment(releases.data.releases)].map(([environment, list]) => (
          <section key={environment} aria-labelledby={`env-${environment}`}>
            <h2 id={`env-${environment}`}>{environment}</h2>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Repository:tag</th>
                    <th scope="col">Digest</th>
                    <th scope="col">Since</th>
                    <th scope="col">Promoted by</th>
                    <th scope="col">By promotion</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r) => (
                    <tr key={`${r.registry}/${r.repository}:${r.tag}`}>
                      <td>
                        <Link to={dashboardReleasePath(r.environment, r.repository, r.tag)}>
                          {r.repository}:{r.tag}
                        </Link>
                      </td>
                      <td>
                        <Digest digest={r.digest} label={`digest of ${r.repository}:${r.tag}`} />
                      </td>
                      <td>
                        <RelativeTime at={r.since} />
                      </td>
                      <td>
                        {r.promotedBy}
                        {r.approvedBy.length > 0 && (
                          <span className="muted"> (approved by {r.approvedBy.join(', ')})</span>
                        )}
                      </td>
                      <td>
                        <Link to={dashboardPromotionPath(r.promotionId)}>
                          {r.kind} <span className="muted">{r.promotionId.slice(0, 8)}</span>
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
    </section>
  );
}
