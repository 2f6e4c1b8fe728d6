/** The configured promotion rules and which triggers may use each (`GET /api/v1/rules`; never secrets). */
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import type { RuleView } from '../../../src/api/rule.ts';
import { useRules } from '../api/queries.ts';
import { ErrorBox } from '../components/error-box.tsx';

export function RulesPage() {
  const rules = useRules();
  const { hash } = useLocation();
  // `/rules#rule-<name>` (linked from a promotion): bring that rule into view once the list is there.
  useEffect(() => {
    if (rules.isSuccess && hash !== '')
      document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [rules.isSuccess, hash]);
  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">Rules and triggers</h1>
      <p className="muted">
        From ferry.yaml, in the order they are tried. Credentials and secrets are never shown.
      </p>
      {rules.isPending && <p>Loading…</p>}
      {rules.isError && <ErrorBox error={rules.error} title="The rules could not be listed" />}
      {rules.isSuccess && rules.data.rules.map((rule) => <Rule key={rule.name} rule={rule} />)}
    </section>
  );
}

function Rule({ rule: r }: { rule: RuleView }) {
  return (
    <section className="rule" id={`rule-${r.name}`} aria-labelledby={`rule-title-${r.name}`}>
      <h2 id={`rule-title-${r.name}`}>{r.name}</h2>
      {r.description !== null && <p>{r.description}</p>}
      <dl className="facts">
        <dt>From</dt>
        <dd>
          {r.source.environment}:{' '}
          <code>
            {r.source.registry}/{r.source.repository}
          </code>
        </dd>
        <dt>To</dt>
        <dd>
          {r.destination.environment}:{' '}
          <code>
            {r.destination.registry}/{r.destination.repository}
          </code>
        </dd>
        <dt>Tags</dt>
        <dd>
          <code>{r.tags}</code>
          {r.immutableTags ? ' (immutable)' : ' (mutable)'}
        </dd>
        <dt>Release tag</dt>
        <dd>{r.releaseTag === null ? 'none' : <code>{r.releaseTag}</code>}</dd>
        <dt>Triggers</dt>
        <dd>{r.triggers.length === 0 ? 'none (reruns and rollbacks only)' : r.triggers.join(', ')}</dd>
        <dt>Approvals</dt>
        <dd>
          {r.approvals.required === 0
            ? 'not required'
            : `${r.approvals.required} from ${r.approvals.approvers === null ? 'any approver' : r.approvals.approvers.join(', ')}${r.approvals.allowSelfApproval ? '' : ', not the requester'}`}
        </dd>
        <dt>Signature</dt>
        <dd>
          {r.signature.required
            ? `required, by ${r.signature.publicKeys.length === 0 ? 'a configured key' : r.signature.publicKeys.join(', ')}`
            : 'not required'}
        </dd>
        <dt>Signatures copied</dt>
        <dd>{r.copySignatures ? 'yes' : 'no'}</dd>
        <dt>Parallel copies</dt>
        <dd>{r.destination.maxConcurrentPromotions}</dd>
      </dl>
    </section>
  );
}
