/**
 * The promotions list's filters. Choices (status, trigger, rule) apply at once; text fields on Enter or
 * "Apply". The filters live in the page URL (lib/promotion-filters.ts), so the browser's back button
 * and a shared link restore them.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { PROMOTION_STATUSES, type PromotionStatus } from '../../../src/api/statuses.ts';
import { TRIGGER_KINDS, type TriggerKind } from '../../../src/api/trigger-kinds.ts';
import { statusLabel } from '../lib/format.ts';
import { filtersToSearch, hasFilters, type PromotionFilters } from '../lib/promotion-filters.ts';

const TEXT_FIELDS = [
  { name: 'q', label: 'Tag or digest', placeholder: 'v1.2 or sha256:4f2a' },
  { name: 'repository', label: 'Repository', placeholder: 'team-a/app' },
  { name: 'environment', label: 'Environment', placeholder: 'prod' },
  { name: 'requester', label: 'Requested by', placeholder: 'alice' },
] as const;

type TextName = (typeof TEXT_FIELDS)[number]['name'];

export function PromotionFiltersForm({
  filters: applied,
  rules,
  onChange: apply,
}: {
  filters: PromotionFilters;
  /** Rule names for the rule choice (empty: a text field). */
  rules: readonly string[];
  onChange: (filters: PromotionFilters) => void;
}) {
  const id = useId();
  // The form shows a choice at once; the URL (and so the list) follows. The router applies URL changes
  // in a transition, and a controlled checkbox bound to the URL would flip back until it lands.
  const [filters, setFilters] = useState(applied);
  useEffect(() => setFilters(applied), [applied]);
  const onChange = (next: PromotionFilters) => {
    setFilters(next);
    apply(next);
  };
  const [text, setText] = useState<Record<TextName, string>>(() => textOf(applied));
  useEffect(() => setText(textOf(applied)), [applied]);

  const applyText = (event: FormEvent) => {
    event.preventDefault();
    const next: Record<string, string | undefined> = {};
    for (const field of TEXT_FIELDS) next[field.name] = text[field.name].trim() || undefined;
    onChange({ ...filters, ...next });
  };
  const toggleStatus = (status: PromotionStatus) => {
    const set = new Set(filters.status);
    if (set.has(status)) set.delete(status);
    else set.add(status);
    onChange({ ...filters, status: PROMOTION_STATUSES.filter((s) => set.has(s)) });
  };

  // On a phone the filters would fill the first screen: folded there unless some are set.
  const [open, setOpen] = useState(
    () => hasFilters(filters) || window.matchMedia('(min-width: 40rem)').matches,
  );
  const active = filtersToSearch(filters).size;

  return (
    <details className="filter-box" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Filters{active > 0 && ` (${active} set)`}</summary>
      <form className="filters" onSubmit={applyText} aria-label="Filter promotions">
        {TEXT_FIELDS.map((field) => (
          <p key={field.name}>
            <label htmlFor={`${id}-${field.name}`}>{field.label}</label>
            <input
              id={`${id}-${field.name}`}
              type="search"
              value={text[field.name]}
              placeholder={field.placeholder}
              onChange={(event) => setText({ ...text, [field.name]: event.target.value })}
            />
          </p>
        ))}
        <p>
          <label htmlFor={`${id}-rule`}>Rule</label>
          <select
            id={`${id}-rule`}
            value={filters.rule ?? ''}
            onChange={(event) => onChange({ ...filters, rule: event.target.value || undefined })}
          >
            <option value="">any</option>
            {[...new Set([...rules, ...(filters.rule ? [filters.rule] : [])])].map((rule) => (
              <option key={rule} value={rule}>
                {rule}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label htmlFor={`${id}-trigger`}>Trigger</label>
          <select
            id={`${id}-trigger`}
            value={filters.trigger ?? ''}
            onChange={(event) =>
              onChange({ ...filters, trigger: (event.target.value || undefined) as TriggerKind | undefined })
            }
          >
            <option value="">any</option>
            {TRIGGER_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </p>
        <fieldset className="statuses">
          <legend>Status</legend>
          {PROMOTION_STATUSES.map((status) => (
            <label key={status}>
              <input
                type="checkbox"
                checked={filters.status.includes(status)}
                onChange={() => toggleStatus(status)}
              />
              {statusLabel(status)}
            </label>
          ))}
        </fieldset>
        <p className="filter-buttons">
          <button type="submit" className="primary">
            Apply
          </button>
          {hasFilters(filters) && (
            <button type="button" onClick={() => onChange({ status: [] })}>
              Clear filters
            </button>
          )}
        </p>
      </form>
    </details>
  );
}

function textOf(filters: PromotionFilters): Record<TextName, string> {
  return {
    q: filters.q ?? '',
    repository: filters.repository ?? '',
    environment: filters.environment ?? '',
    requester: filters.requester ?? '',
  };
}
