import { analytics as t, detail as td } from "../../i18n/console";
import { AnalyticsView } from "../analytics/AnalyticsView";
import { eventBase } from "../analytics/api";
import "../analytics/analytics.css";
import { useApi } from "../http";
import { Link, type RouteProps } from "../router";
import type { Event } from "../types";
import { useTitle } from "../ui";

export default function Analytics({ params }: RouteProps) {
  const id = params.id!;
  const ev = useApi<Event>(eventBase(id));
  const name = ev.data ? (ev.data.eventName ?? td.untitled) : null;
  useTitle(name ? `${t.title} · ${name}` : t.title);
  return (
    <>
      <p>
        <Link href={`/app/events/${encodeURIComponent(id)}`} class="tap">← {t.toEvent}</Link>
      </p>
      <AnalyticsView
        base={eventBase(id)}
        heading={
          <>
            {t.title} {name && <span class="muted sub">{name}</span>}
          </>
        }
      />
    </>
  );
}
