/**
 * The append-only audit trail (`GET /api/v1/audit`): search by text, actor, kind, promotion and time,
 * newest first, and export what the search finds as CSV or NDJSON (links to the same query with
 * `format=`, downloaded by the browser with the session cookie).
 */
import { type FormEvent, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { dashboardPromotionPath } from '../../../src/api/dashboard-paths.ts';
import { PATHS } from '../../../src/api/paths.ts';
import { useAudit } from '../api/queries.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { exactTime } from '../lib/relative-time.ts';

const FIELDS = [
  { name: 'q', label: 'Text', type: 'search' },
  { name: 'actor', label: 'Actor (exact)', type: 'search' },
  { name: 'kind', label: 'Kind', type: 'search' },
  { name: 'promotion', label: 'Promotion id', type: 'search' },
  { name: 'since', label: 'Since', type: 'datetime-local' },
  { name: 'until', label: 'Until', type: 'datetime-local' },
] as const;

/** The API query from the page's: datetime-local values (local time) become ISO 8601 instants. */
function apiQuery(search: URLSearchParams): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = search.get(field.name)?.trim();
    if (value === undefined || value === '') continue;
    params.set(field.name, field.type === 'datetime-local' ? new Date(value).toISOString() : value);
  }
  return params.toString();
}

export function AuditPage() {
  const id = useId();
  const [search, setSearch] = useSearchParams();
  const [form, setForm] = useState(() =>
    Object.fromEntries(FIELDS.map((f) => [f.name, search.get(f.name) ?? ''])),
  );
  const query = useMemo(() => apiQuery(search), [search]);
  const audit = useAudit(query);
  const events = audit.data?.pages.flatMap((page) => page.events) ?? [];
  const exportLink = (format: 'csv' | 'ndjson') =>
    `${PATHS.audit}?${query}${query === '' ? '' : '&'}format=${format}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) if (value.trim() !== '') next.set(name, value.trim());
    setSearch(next);
  };

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <form className="filters" onSubmit={submit} aria-label="Search the audit trail">
        {FIELDS.map((field) => (
          <p key={field.name}>
            <label htmlFor={`${id}-${field.name}`}>{field.label}</label>
            <input
              id={`${id}-${field.name}`}
              type={field.type}
              value={form[field.name] ?? ''}
              onChange={(event) => setForm({ ...form, [field.name]: event.target.value })}
            />
          </p>
        ))}
        <p className="filter-buttons">
          <button type="submit" className="primary">
            Search
          </button>
        </p>
      </form>
      <p className="exports">
        Export what this search finds: <a href={exportLink('csv')}>CSV</a> ·{' '}
        <a href={exportLink('ndjson')}>JSON (NDJSON)</a>
      </p>
      {audit.isPending && <p>Loading…</p>}
      {audit.isError && <ErrorBox error={audit.error} title="The audit trail could not be searched" />}
      {audit.isSuccess && events.length === 0 && !audit.hasNextPage && (
        <p className="empty">No event matches.</p>
      )}
      {/* A text search examines a bounded number of events per request (docs/api.md), so an empty page
          can still have older matches behind its cursor. */}
      {audit.isSuccess && events.length === 0 && audit.hasNextPage && (
        <p className="empty">No match among the newest events searched so far; older events may match.</p>
      )}
      {events.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">At (UTC)</th>
                <th scope="col">Kind</th>
                <th scope="col">Actor</th>
                <th scope="col">Outcome</th>
                <th scope="col">Promotion</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td>
                    <time dateTime={event.at}>{exactTime(event.at)}</time>
                  </td>
                  <td>{event.kind}</td>
                  <td>{event.actor}</td>
                  <td>{event.outcome ?? ''}</td>
                  <td>
                    {event.promotionId !== null && (
                      <Link to={dashboardPromotionPath(event.promotionId)}>
                        {event.promotionId.slice(0, 8)}
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {audit.hasNextPage && (
        <button type="button" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
          {audit.isFetchingNextPage ? 'Loading…' : 'Older events'}
        </button>
      )}
    </section>
  );
}
