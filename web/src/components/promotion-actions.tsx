/**
 * Approve / Reject / Cancel / Rerun / Roll back to this: each a button only when `/api/v1/me` allows it
 * (lib/permissions.ts), each behind a confirmation that names exactly what will change, each showing
 * the server's answer (the new status, or the new promotion with a link to it, or the refusal).
 */
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { dashboardPromotionPath } from '../../../src/api/dashboard-paths.ts';
import type { MeBody } from '../../../src/api/identity.ts';
import { type PromotionAction, promotionActionPath } from '../../../src/api/paths.ts';
import type { PromotionView } from '../../../src/api/promotion.ts';
import type { AcceptedBody, PromotionLinkBody } from '../../../src/api/promotion-responses.ts';
import { useApi } from '../api/api-context.tsx';
import { applyPromotionUpdate } from '../api/live-updates.ts';
import { queryKeys } from '../api/query-keys.ts';
import { imageName, shortDigest, statusLabel } from '../lib/format.ts';
import { allowedActions } from '../lib/permissions.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

const LABELS: Readonly<Record<PromotionAction, string>> = {
  approve: 'Approve',
  reject: 'Reject',
  cancel: 'Cancel promotion',
  rerun: 'Rerun',
  rollback: 'Roll back to this',
};

function whatChanges(action: PromotionAction, p: PromotionView): ReactNode {
  const source = `${imageName({ ...p.source, tag: null })}@${shortDigest(p.source.digest)}`;
  const destination = imageName(p.destination);
  switch (action) {
    case 'approve': {
      const after = p.approvalsReceived + 1;
      return (
        <p>
          You approve copying <code>{source}</code> to <code>{destination}</code>. With your approval it has{' '}
          {after} of {p.approvalsRequired} required;{' '}
          {after >= p.approvalsRequired ? 'the copy starts then.' : 'it keeps waiting for more.'}
        </p>
      );
    }
    case 'reject':
      return (
        <p>
          You reject copying <code>{source}</code> to <code>{destination}</code>. The promotion ends as{' '}
          <strong>rejected</strong>; nothing is copied and no tag moves.
        </p>
      );
    case 'cancel':
      return (
        <p>
          The promotion of <code>{source}</code> to <code>{destination}</code> (now {statusLabel(p.status)})
          ends as <strong>cancelled</strong>.{' '}
          {p.status === 'running'
            ? 'The running copy stops; blobs already copied stay in the destination registry, no tag is moved.'
            : 'Nothing is copied.'}
        </p>
      );
    case 'rerun':
      return (
        <p>
          A new promotion copies the same digest <code>{shortDigest(p.source.digest)}</code> to{' '}
          <code>{destination}</code>. It passes the rule’s tag pattern, approvals and signature check again.
        </p>
      );
    case 'rollback': {
      const tag = p.releaseTag ?? p.destination.tag;
      const digest = p.resultDigest ?? p.source.digest;
      return (
        <p>
          The tag{' '}
          <code>
            {p.destination.registry}/{p.destination.repository}:{tag}
          </code>{' '}
          is pointed back at <code>{shortDigest(digest)}</code>, the digest this promotion delivered. A new
          promotion of kind <strong>rollback</strong> records it; the rule’s approvals apply.
        </p>
      );
    }
  }
}

export function PromotionActions({
  me,
  promotion,
  rollbackable,
}: {
  me: MeBody;
  promotion: PromotionView;
  rollbackable?: boolean | undefined;
}) {
  const api = useApi();
  const client = useQueryClient();
  const [open, setOpen] = useState<PromotionAction | null>(null);
  const actions = allowedActions(me, promotion, { rollbackable });
  // An open dialog stays while it shows its answer even when the answer took the last action away (an
  // approver's approval that starts the copy leaves that person nothing more to do here).
  if (actions.size === 0 && open === null) return null;

  const run = async (action: PromotionAction, comment: string | undefined): Promise<ReactNode> => {
    const path = promotionActionPath(promotion.id, action);
    if (action === 'rerun' || action === 'rollback') {
      const answer = await api.post<AcceptedBody>(path);
      applyPromotionUpdate(client, answer.promotion);
      void client.invalidateQueries({ queryKey: queryKeys.releases });
      void client.invalidateQueries({ queryKey: queryKeys.allReleases });
      const next = answer.promotion;
      return (
        <p>
          {answer.created ? 'Created' : 'An equal promotion already exists:'}{' '}
          <Link to={dashboardPromotionPath(next.id)}>
            {next.kind} {next.id}
          </Link>{' '}
          ({statusLabel(next.status)}).
        </p>
      );
    }
    const body = action === 'cancel' || comment === undefined ? undefined : { comment };
    const answer = await api.post<PromotionLinkBody>(path, body);
    applyPromotionUpdate(client, answer.promotion);
    void client.invalidateQueries({ queryKey: queryKeys.promotion(promotion.id) });
    return (
      <p>
        Done: the promotion is now <strong>{statusLabel(answer.promotion.status)}</strong>
        {answer.promotion.approvalsRequired > 0 &&
          ` (${answer.promotion.approvalsReceived} of ${answer.promotion.approvalsRequired} approvals)`}
        .
      </p>
    );
  };

  return (
    <section className="actions" aria-label="Actions">
      {[...actions].map((action) => (
        <button
          key={action}
          type="button"
          className={action === 'reject' || action === 'cancel' ? 'danger' : 'primary'}
          onClick={() => setOpen(action)}
        >
          {LABELS[action]}
        </button>
      ))}
      {open !== null && (
        <ConfirmDialog
          title={`${LABELS[open]}?`}
          confirmLabel={LABELS[open]}
          danger={open === 'reject' || open === 'cancel'}
          withComment={open === 'approve' || open === 'reject'}
          run={(comment) => run(open, comment)}
          onClose={() => setOpen(null)}
        >
          {whatChanges(open, promotion)}
        </ConfirmDialog>
      )}
    </section>
  );
}
