/**
 * One promotion: where from and where to (digests with copy buttons), who or what asked, the rule and
 * its checks, live copy progress, the error with its code and what it means, the audit timeline, and
 * the actions the signed-in identity may take. While the promotion is in flight its event stream
 * (`/api/v1/promotions/{id}/events`) keeps all of it current.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { AuditEventView } from '../../../src/api/audit-event.ts';
import type { BlobProgressView, PromotionProgressView } from '../../../src/api/blob-progress.ts';
import { dashboardPromotionPath, dashboardReleasePath } from '../../../src/api/dashboard-paths.ts';
import type { MeBody } from '../../../src/api/identity.ts';
import { PATHS, releasePath } from '../../../src/api/paths.ts';
import type { PromotionView } from '../../../src/api/promotion.ts';
import type { PromotionDetailBody } from '../../../src/api/promotion-responses.ts';
import type { RuleView } from '../../../src/api/rule.ts';
import { isTerminalStatus } from '../../../src/api/statuses.ts';
import { applyPromotionUpdate } from '../api/live-updates.ts';
import { usePromotion, useRelease, useRules } from '../api/queries.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useEventSource } from '../api/use-event-source.ts';
import { Digest } from '../components/digest.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { PromotionActions } from '../components/promotion-actions.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { explainError } from '../lib/error-explanations.ts';
import { formatBytes, shortDigest } from '../lib/format.ts';
import { exactTime } from '../lib/relative-time.ts';

export function PromotionDetailPage({ me }: { me: MeBody | undefined }) {
  const { id = '' } = useParams();
  const detail = usePromotion(id);
  const rules = useRules();
  const progress = useLiveDetail(id, detail.data?.promotion);
  const current = useIsCurrent(detail.data?.promotion);
  if (detail.isPending) return <p>Loading…</p>;
  if (detail.isError) return <ErrorBox error={detail.error} title={`Promotion ${id} could not be read`} />;
  const { promotion: p, timeline, blobs } = detail.data;
  const rule = rules.data?.rules.find((r) => r.name === p.rule);
  return (
    <article aria-labelledby="promotion-title" className="detail">
      <div className="page-head">
        <h1 id="promotion-title">
          {p.destination.repository}:{p.destination.tag}
        </h1>
        <StatusBadge status={p.status} />
        {p.kind !== 'promotion' && <span className="kind">{p.kind}</span>}
      </div>
      {me !== undefined && (
        <PromotionActions
          me={me}
          promotion={p}
          rollbackable={
            // Rolling back to what the tag already points at would change nothing; unknown yet: no button.
            current !== false
              ? false
              : rule === undefined
                ? undefined
                : rule.releaseTag !== null || !rule.immutableTags
          }
        />
      )}
      <Failure promotion={p} timeline={timeline} />
      <Route promotion={p} current={current === true} />
      <section aria-labelledby="about-title">
        <h2 id="about-title">Request</h2>
        <dl className="facts">
          <dt>Requested by</dt>
          <dd>
            {p.requestedBy} <span className="muted">via {p.triggerKind}</span>
          </dd>
          <dt>Rule</dt>
          <dd>
            <Link to={`/rules#rule-${p.rule}`}>{p.rule}</Link>
          </dd>
          <dt>Requested</dt>
          <dd>
            <RelativeTime at={p.createdAt} />
          </dd>
          {p.finishedAt !== null && (
            <>
              <dt>Finished</dt>
              <dd>
                <RelativeTime at={p.finishedAt} />
              </dd>
            </>
          )}
          {p.gitCommit !== null && (
            <>
              <dt>Git commit</dt>
              <dd>
                <code>{p.gitCommit}</code>
              </dd>
            </>
          )}
          {p.rerunOf !== null && (
            <>
              <dt>Repeats</dt>
              <dd>
                <Link to={dashboardPromotionPath(p.rerunOf)}>{p.rerunOf}</Link>
              </dd>
            </>
          )}
          {p.rollbackOf !== null && (
            <>
              <dt>Restores the digest of</dt>
              <dd>
                <Link to={dashboardPromotionPath(p.rollbackOf)}>{p.rollbackOf}</Link>
              </dd>
            </>
          )}
          {Object.entries(p.labels).map(([key, value]) => (
            <div key={key} className="label">
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Checks promotion={p} timeline={timeline} rule={rule} />
      <Progress promotion={p} progress={progress} recorded={blobs} />
      <Timeline timeline={timeline} />
    </article>
  );
}

/**
 * Whether the tag this promotion moved points at its digest now: for a rule with a release tag, what
 * the release says; otherwise, whether a later promotion to the same tag superseded it. Undefined while
 * unknown (the release is being read) and for promotions that did not succeed.
 */
function useIsCurrent(p: PromotionView | undefined): boolean | undefined {
  const succeeded = p !== undefined && p.status === 'succeeded';
  const release = useRelease(
    succeeded && p.releaseTag !== null
      ? releasePath(p.destination.environment, p.destination.repository, p.releaseTag)
      : null,
  );
  if (!succeeded) return undefined;
  if (p.releaseTag === null) return p.supersededBy === null;
  if (release.isError) return false;
  return release.data === undefined
    ? undefined
    : release.data.release.digest === (p.resultDigest ?? p.source.digest);
}

/** Audit event kinds after which the promotion's approvals are read again. */
const DECISION_EVENTS: ReadonlySet<string> = new Set([
  'approved',
  'rejected',
  'approval_refused',
  'approval_ignored',
]);

/** Follows the promotion's event stream while it is in flight; returns the latest progress event. */
function useLiveDetail(id: string, promotion: PromotionView | undefined): PromotionProgressView | null {
  const client = useQueryClient();
  const [progress, setProgress] = useState<PromotionProgressView | null>(null);
  const handlers = useMemo(
    () => ({
      status: (data: unknown) => applyPromotionUpdate(client, data as PromotionView),
      audit: (data: unknown) => {
        const event = data as AuditEventView;
        client.setQueryData<PromotionDetailBody>(queryKeys.promotion(id), (detail) =>
          detail === undefined || detail.timeline.some((e) => e.id === event.id)
            ? detail
            : { ...detail, timeline: [...detail.timeline, event] },
        );
        // An approval short of the required count changes no status, so no status event follows: the
        // approvals are read again.
        if (DECISION_EVENTS.has(event.kind))
          void client.invalidateQueries({ queryKey: queryKeys.promotion(id) });
      },
      progress: (data: unknown) => setProgress(data as PromotionProgressView),
    }),
    [client, id],
  );
  const following = promotion !== undefined && !isTerminalStatus(promotion.status);
  useEventSource(following ? PATHS.promotionEvents.replace('{id}', encodeURIComponent(id)) : null, handlers);
  return progress;
}

function Route({ promotion: p, current }: { promotion: PromotionView; current: boolean }) {
  return (
    <section aria-labelledby="route-title" className="route">
      <h2 id="route-title">Source → destination</h2>
      <div className="sides">
        <div className="side">
          <h3>From {p.source.environment ?? 'registry'}</h3>
          <p>
            <code>
              {p.source.registry}/{p.source.repository}
              {p.source.tag !== null && `:${p.source.tag}`}
            </code>
          </p>
          <p>
            <Digest digest={p.source.digest} label="source digest" />
          </p>
        </div>
        <div className="arrow" aria-hidden="true">
          →
        </div>
        <div className="side">
          <h3>To {p.destination.environment ?? 'registry'}</h3>
          <p>
            <code>
              {p.destination.registry}/{p.destination.repository}:{p.destination.tag}
            </code>
          </p>
          <p>
            <Digest digest={p.resultDigest} label="destination digest" />
          </p>
          {p.releaseTag !== null && (
            <p>
              Release tag{' '}
              <Link
                to={dashboardReleasePath(p.destination.environment, p.destination.repository, p.releaseTag)}
              >
                {p.releaseTag}
              </Link>
              {current && ' (points at this digest now)'}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

function lastOf(timeline: readonly AuditEventView[], kind: string): AuditEventView | undefined {
  return timeline.findLast((event) => event.kind === kind);
}

function detailText(event: AuditEventView | undefined, key: string): string | undefined {
  const value = event?.detail[key];
  return typeof value === 'string' ? value : undefined;
}

function Failure({
  promotion: p,
  timeline,
}: {
  promotion: PromotionView;
  timeline: readonly AuditEventView[];
}) {
  if (p.status !== 'failed' && p.status !== 'rejected' && p.status !== 'cancelled') return null;
  const failed = lastOf(timeline, 'failed');
  const code = detailText(failed, 'code');
  const explanation = explainError(code);
  return (
    <section className={`failure failure-${p.status}`} aria-labelledby="failure-title">
      <h2 id="failure-title">
        {p.status === 'failed' ? 'Why it failed' : p.status === 'rejected' ? 'Rejected' : 'Cancelled'}
      </h2>
      <p>
        {code !== undefined && <code className="code">{code}</code>}{' '}
        {p.reason ?? detailText(failed, 'reason')}
      </p>
      {explanation !== undefined && <p className="explanation">{explanation}</p>}
    </section>
  );
}

function Checks({
  promotion: p,
  timeline,
  rule,
}: {
  promotion: PromotionView;
  timeline: readonly AuditEventView[];
  rule: RuleView | undefined;
}) {
  const signed = lastOf(timeline, 'signature_verified');
  const failedCode = detailText(lastOf(timeline, 'failed'), 'code');
  const signature =
    signed !== undefined
      ? { verdict: 'passed', text: `verified (${detailText(signed, 'signatureTag') ?? 'signature'})` }
      : failedCode === 'FERRY_E_PROMOTION_SIGNATURE_REQUIRED'
        ? { verdict: 'failed', text: 'no valid signature' }
        : rule?.signature.required
          ? { verdict: 'pending', text: 'required; checked before the copy' }
          : { verdict: 'none', text: rule === undefined ? 'not recorded' : 'not required by the rule' };
  const approvals =
    p.approvalsRequired === 0
      ? { verdict: 'none', text: 'not required by the rule' }
      : {
          verdict:
            p.status === 'rejected'
              ? 'failed'
              : p.approvalsReceived >= p.approvalsRequired
                ? 'passed'
                : 'pending',
          text: `${p.approvalsReceived} of ${p.approvalsRequired}`,
        };
  return (
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">Policy checks</h2>
      <ul className="checks">
        <li className="verdict-passed">
          <span className="verdict">passed</span> Rule <strong>{p.rule}</strong> matched and its tag pattern
          {rule !== undefined && (
            <>
              {' '}
              <code>{rule.tags}</code>
            </>
          )}{' '}
          accepted the tag
        </li>
        <li className={`verdict-${approvals.verdict}`}>
          <span className="verdict">{approvals.verdict === 'none' ? 'n/a' : approvals.verdict}</span>{' '}
          Approvals: {approvals.text}
          {p.approvals.length > 0 && (
            <ul>
              {p.approvals.map((a) => (
                <li key={`${a.approver}-${a.at}`}>
                  {a.decision === 'approve' ? 'approved' : 'rejected'} by <strong>{a.approver}</strong>{' '}
                  <RelativeTime at={a.at} />
                  {a.comment !== null && <q>{a.comment}</q>}
                </li>
              ))}
            </ul>
          )}
        </li>
        <li className={`verdict-${signature.verdict}`}>
          <span className="verdict">{signature.verdict === 'none' ? 'n/a' : signature.verdict}</span>{' '}
          Signature: {signature.text}
        </li>
      </ul>
    </section>
  );
}

/**
 * Bytes moved, mounted and skipped, and one row per blob: live from the event stream while copying,
 * else as last recorded (the detail's `blobs`).
 */
function Progress({
  promotion: p,
  progress,
  recorded,
}: {
  promotion: PromotionView;
  progress: PromotionProgressView | null;
  recorded: readonly BlobProgressView[];
}) {
  const total = p.bytes.copied + p.bytes.mounted + p.bytes.skipped;
  const blobs = progress?.blobs ?? recorded;
  if (progress === null && total === 0 && blobs.length === 0 && p.status !== 'running') return null;
  return (
    <section aria-labelledby="progress-title">
      <h2 id="progress-title">Copy</h2>
      {progress !== null && p.status === 'running' && (
        <p>
          <progress max={progress.totalBytes || 1} value={progress.bytes} aria-label="Bytes transferred" />{' '}
          {formatBytes(progress.bytes)} of {formatBytes(progress.totalBytes)}
        </p>
      )}
      {progress === null && p.status === 'running' && <p>Copying…</p>}
      {blobs.length > 0 && (
        <table className="blobs">
          <caption>Blobs</caption>
          <thead>
            <tr>
              <th scope="col">Digest</th>
              <th scope="col">State</th>
              <th scope="col">Bytes</th>
            </tr>
          </thead>
          <tbody>
            {blobs.map((blob) => (
              <tr key={blob.digest}>
                <td>
                  <code title={blob.digest}>{shortDigest(blob.digest)}</code>
                </td>
                <td>{blob.state}</td>
                <td>
                  {formatBytes(blob.bytes)} / {formatBytes(blob.size)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > 0 && (
        <dl className="facts">
          <dt>Transferred</dt>
          <dd>{formatBytes(p.bytes.copied)}</dd>
          <dt>Mounted</dt>
          <dd>{formatBytes(p.bytes.mounted)}</dd>
          <dt>Already there</dt>
          <dd>{formatBytes(p.bytes.skipped)}</dd>
        </dl>
      )}
    </section>
  );
}

function Timeline({ timeline }: { timeline: readonly AuditEventView[] }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline">
        {timeline.map((event) => (
          <li key={event.id} className={`outcome-${event.outcome ?? 'none'}`}>
            <span className="event-kind">{event.kind.replaceAll('_', ' ')}</span>{' '}
            <span className="muted">by {event.actor}</span>{' '}
            <time dateTime={event.at} title={exactTime(event.at)}>
              {exactTime(event.at)}
            </time>
            {event.bytes !== null && <span> · {formatBytes(event.bytes)}</span>}
            {typeof event.detail.reason === 'string' && <p className="muted">{event.detail.reason}</p>}
            {typeof event.detail.comment === 'string' && <q>{event.detail.comment}</q>}
          </li>
        ))}
      </ol>
    </section>
  );
}
