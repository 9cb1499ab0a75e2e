import { useEffect, useState } from "preact/hooks";
import { events as t } from "../../i18n/console";
import { EventRows } from "../EventList";
import { useApi } from "../http";
import { Link, navigate, type RouteProps } from "../router";
import type { EventListPage } from "../types";
import { EmptyState, ErrorNote, Field, Pager, Spinner, descId, useTitle } from "../ui";

const SIZE = 20;
const STATUSES = ["DRAFT", "PUBLISHED", "ENDED"] as const;

/** The list's state from the URL (so back/forward and reload keep it). */
export function listQuery(q: URLSearchParams): { status: string; search: string; page: number } {
  const status = (STATUSES as readonly string[]).includes(q.get("status") ?? "") ? q.get("status")! : "";
  const page = Math.max(0, Math.min(1_000_000, Number.parseInt(q.get("page") ?? "0", 10) || 0));
  return { status, search: (q.get("search") ?? "").slice(0, 200), page };
}

export function listHref(s: { status: string; search: string; page: number }): string {
  const q = new URLSearchParams();
  if (s.status) q.set("status", s.status);
  if (s.search) q.set("search", s.search);
  if (s.page) q.set("page", String(s.page));
  const qs = q.toString();
  return qs ? `/app/events?${qs}` : "/app/events";
}

export default function Events({ query }: RouteProps) {
  useTitle(t.title);
  const cur = listQuery(query);
  const [search, setSearch] = useState(cur.search);
  useEffect(() => setSearch(cur.search), [cur.search]);

  const api = new URLSearchParams({ page: String(cur.page), size: String(SIZE) });
  if (cur.status) api.set("status", cur.status);
  if (cur.search) api.set("search", cur.search);
  const list = useApi<EventListPage>(`/api/v1/events?${api}`);

  function onSubmit(e: Event) {
    e.preventDefault();
    navigate(listHref({ ...cur, search: search.trim(), page: 0 }));
  }

  const filtered = !!(cur.status || cur.search);
  return (
    <>
      <div class="page-head">
        <h1>{t.title}</h1>
        <Link class="btn btn-primary" href="/app/events/new">
          {t.newEvent}
        </Link>
      </div>
      <form class="filters" role="search" aria-label={t.filters} onSubmit={onSubmit}>
        <Field id="status" label={t.status}>
          <select id="status" name="status" value={cur.status}
            onChange={(e) => navigate(listHref({ ...cur, search: search.trim(), status: e.currentTarget.value, page: 0 }))}>
            <option value="">{t.statusAll}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{t.statusLabel[s]}</option>
            ))}
          </select>
        </Field>
        <Field id="search" label={t.search} type="search" maxLength={200} value={search} onInput={(e) => setSearch(e.currentTarget.value)}
          aria-describedby={list.data ? descId("count") : undefined} />
        <button type="submit" class="btn btn-secondary">{t.searchButton}</button>
      </form>
      {list.error ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Spinner />
      ) : (
        <>
          <p id={descId("count")} class="muted" role="status">{t.count(list.data.totalElements)}</p>
          {list.data.content.length ? (
            <EventRows items={list.data.content} />
          ) : (
            <EmptyState>{filtered ? t.empty : t.emptyAll}</EmptyState>
          )}
          <Pager page={cur.page} totalPages={list.data.totalPages} hrefFor={(p) => listHref({ ...cur, page: p })} />
        </>
      )}
    </>
  );
}
