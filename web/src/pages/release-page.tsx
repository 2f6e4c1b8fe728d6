/**
 * One release: the digest its tag points at now and every move of the tag, newest first. Each earlier
 * digest is a rollback target: "Roll back to this" points the tag back at it (a new promotion of kind
 * `rollback` through the promotion that delivered it), when the identity may promote under the rule.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { dashboardPromotionPath } from '../../../src/api/dashboard-paths.ts';
import type { MeBody } from '../../../src/api/identity.ts';
import { PATHS, promotionActionPath } from '../../../src/api/paths.ts';
import type { AcceptedBody } from '../../../src/api/promotion-responses.ts';
import type { ReleaseEntryView, ReleaseView } from '../../../src/api/release.ts';
import { useApi } from '../api/api-context.tsx';
import { applyPromotionUpdate } from '../api/live-updates.ts';
import { useRelease } from '../api/queries.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Digest } from '../components/digest.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { shortDigest, statusLabel } from '../lib/format.ts';
import { scopeCovers } from '../lib/permissions.ts';

export function ReleasePage({ me }: { me: MeBody | undefined }) {
  const rest = useParams()['*'] ?? '';
  const path = `${PATHS.releases}/${rest}`;
  const detail = useRelease(path);
  if (detail.isPending) return <p>Loading…</p>;
  if (detail.isError) return <ErrorBox error={detail.error} title="The release could not be read" />;
  const { release: r, history } = detail.data;
  const mayRollBack = me !== undefined && scopeCovers(me.permissions.promote, r.rule);
  return (
    <article aria-labelledby="release-title">
      <h1 id="release-title">
        {r.repository}:{r.tag} <span className="muted">in {r.environment ?? r.registry}</span>
      </h1>
      <dl className="facts">
        <dt>Now</dt>
        <dd>
          <Digest digest={r.digest} label="current digest" />
        </dd>
        <dt>Since</dt>
        <dd>
          <RelativeTime at={r.since} />
        </dd>
        <dt>Promoted by</dt>
        <dd>
          {r.promotedBy}
          {r.approvedBy.length > 0 && <span className="muted"> (approved by {r.approvedBy.join(', ')})</span>}
        </dd>
        <dt>Rule</dt>
        <dd>
          <Link to={`/rules#rule-${r.rule}`}>{r.rule}</Link>
        </dd>
        <dt>Registry</dt>
        <dd>
          <code>
            {r.registry}/{r.repository}:{r.tag}
          </code>
        </dd>
      </dl>
      <h2>History</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Digest</th>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Promotion</th>
              <th scope="col">Rollback</th>
            </tr>
          </thead>
          <tbody>
            {history.map((entry) => (
              <tr key={`${entry.promotionId}-${entry.at}`}>
                <td>
                  <Digest digest={entry.digest} label={`digest of ${entry.promotionId}`} />
                </td>
                <td>
                  <RelativeTime at={entry.at} />
                </td>
                <td>{entry.promotedBy}</td>
                <td>
                  <Link to={dashboardPromotionPath(entry.promotionId)}>
                    {entry.kind} <span className="muted">{entry.promotionId.slice(0, 8)}</span>
                  </Link>
                </td>
                <td>
                  {entry.digest === r.digest ? (
                    <span className="muted">current</span>
                  ) : mayRollBack ? (
                    <RollbackButton release={r} entry={entry} />
                  ) : (
                    <span className="muted">target</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function RollbackButton({ release: r, entry }: { release: ReleaseView; entry: ReleaseEntryView }) {
  const api = useApi();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const run = async (): Promise<ReactNode> => {
    const answer = await api.post<AcceptedBody>(promotionActionPath(entry.promotionId, 'rollback'));
    applyPromotionUpdate(client, answer.promotion);
    void client.invalidateQueries({ queryKey: queryKeys.allReleases });
    void client.invalidateQueries({ queryKey: queryKeys.releases });
    return (
      <p>
        {answer.created ? 'Created' : 'An equal promotion already exists:'}{' '}
        <Link to={dashboardPromotionPath(answer.promotion.id)}>rollback {answer.promotion.id}</Link> (
        {statusLabel(answer.promotion.status)}).
      </p>
    );
  };
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Roll back to this: ${shortDigest(entry.digest)}`}
      >
        Roll back to this
      </button>
      {open && (
        <ConfirmDialog title="Roll back?" confirmLabel="Roll back" run={run} onClose={() => setOpen(false)}>
          <p>
            The tag{' '}
            <code>
              {r.registry}/{r.repository}:{r.tag}
            </code>{' '}
            moves from <code>{shortDigest(r.digest)}</code> back to <code>{shortDigest(entry.digest)}</code>.
            A new promotion of kind <strong>rollback</strong> records it; the rule’s approvals apply.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
