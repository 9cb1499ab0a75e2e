import { dashboard as t } from "../../i18n/console";
import { EventRows, phaseOf } from "../EventList";
import { num, pct, seoulDateTime, seoulToday } from "../format";
import { useApi } from "../http";
import { Link, type RouteProps } from "../router";
import { getSession } from "../session";
import type { EventListPage, EventSummary, UserDashboard } from "../types";
import { Card, EmptyState, ErrorNote, Kpi, KpiGrid, Spinner, useTitle } from "../ui";

const MAX = 5;

/** Events in the dashboard's three groups, newest first, at most five each (drafts count as upcoming). */
export function groupEvents(list: EventSummary[], today = seoulToday()) {
  const g = { active: [] as EventSummary[], upcoming: [] as EventSummary[], ended: [] as EventSummary[] };
  for (const e of list) {
    const p = phaseOf(e, today);
    (p === "draft" ? g.upcoming : g[p]).push(e);
  }
  return {
    active: { items: g.active.slice(0, MAX), total: g.active.length },
    upcoming: { items: g.upcoming.slice(0, MAX), total: g.upcoming.length },
    ended: { items: g.ended.slice(0, MAX), total: g.ended.length },
  };
}

function Kpis({ userId, list }: { userId: string; list: EventListPage | undefined }) {
  const a = useApi<UserDashboard>(`/api/v1/users/${encodeURIComponent(userId)}/analytics`);
  if (a.loading && !a.data) return <Spinner />;
  if (a.data) {
    const s = a.data.summary;
    return (
      <section aria-labelledby="kpi-title">
        <h2 id="kpi-title" class="visually-hidden">{t.kpiLabel}</h2>
        <KpiGrid label={t.kpiLabel}>
          <Kpi label={t.kpiParticipants} value={num(s.participants)} note={t.kpiNote} />
          <Kpi label={t.kpiViews} value={num(s.totalViews)} />
          <Kpi label={t.kpiConversion} value={pct(s.conversionRate)} />
          <Kpi label={t.kpiRoi} value={pct(s.estimatedRoi)} />
        </KpiGrid>
        <p class="muted small">{a.data.lastUpdated ? t.lastUpdated(seoulDateTime(a.data.lastUpdated)) : t.notRolledUp}</p>
      </section>
    );
  }
  // No aggregate (an error): what the event list itself says.
  if (!list) return <ErrorNote error={a.error} onRetry={a.reload} />;
  const participants = list.content.reduce((n, e) => n + e.participantCount, 0);
  return (
    <section aria-labelledby="kpi-title">
      <h2 id="kpi-title" class="visually-hidden">{t.kpiLabel}</h2>
      <KpiGrid label={t.kpiLabel}>
        <Kpi label={t.kpiEvents} value={num(list.totalElements)} />
        <Kpi label={t.kpiParticipants} value={num(participants)} note={t.kpiNote} />
      </KpiGrid>
    </section>
  );
}

function Group({ title, id, items, total, status }: { title: string; id: string; items: EventSummary[]; total: number; status: string }) {
  return (
    <Card>
      <h2 id={id} class="card-title">
        {title} <span class="muted small">({num(total)})</span>
      </h2>
      {items.length ? <EventRows items={items} /> : <p class="muted">{t.noneInGroup}</p>}
      {total > items.length && (
        <Link href={`/app/events?status=${status}`} aria-describedby={id}>
          {t.seeAll}
        </Link>
      )}
    </Card>
  );
}

export default function Dashboard(_props: RouteProps) {
  useTitle(t.title);
  const s = getSession();
  const list = useApi<EventListPage>("/api/v1/events?size=100");
  const groups = list.data ? groupEvents(list.data.content) : null;
  return (
    <>
      <div class="page-head">
        <h1>{t.title}</h1>
        <Link class="btn btn-primary" href="/app/events/new">
          {t.newEvent}
        </Link>
      </div>
      {s?.name && <p class="muted">{t.greeting(s.name)}</p>}
      {s && <Kpis userId={s.userId} list={list.data} />}
      {list.error ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : !groups ? (
        <Spinner />
      ) : list.data!.totalElements === 0 ? (
        <EmptyState
          action={
            <Link class="btn btn-primary" href="/app/events/new">
              {t.newEvent}
            </Link>
          }
        >
          {t.empty}
        </EmptyState>
      ) : (
        <div class="groups">
          <Group title={t.active} id="g-active" status="PUBLISHED" {...groups.active} />
          <Group title={t.upcoming} id="g-upcoming" status="DRAFT" {...groups.upcoming} />
          <Group title={t.ended} id="g-ended" status="ENDED" {...groups.ended} />
        </div>
      )}
    </>
  );
}
