// Event rows shared by the dashboard and the events list.

import { events as t } from "../i18n/console";
import { seoulDate, seoulToday } from "./format";
import { Link } from "./router";
import type { EventSummary } from "./types";

export type Phase = "active" | "upcoming" | "ended" | "draft";

/**
 * The phase an owner thinks in: a draft; published and not started yet
 * (upcoming); published and running (active); ended, or past its end date.
 */
export function phaseOf(e: Pick<EventSummary, "status" | "startDate" | "endDate">, today = seoulToday()): Phase {
  if (e.status === "ENDED") return "ended";
  if (e.status === "DRAFT") return "draft";
  if (e.endDate && e.endDate < today) return "ended";
  if (e.startDate && e.startDate > today) return "upcoming";
  return "active";
}

/** Where an event's row leads: a draft back into the funnel, else its page. */
export const eventHref = (e: Pick<EventSummary, "eventId" | "status">) =>
  e.status === "DRAFT" ? `/app/events/new?id=${encodeURIComponent(e.eventId)}` : `/app/events/${encodeURIComponent(e.eventId)}`;

const BADGE: Record<Phase, string> = { active: "", upcoming: "upcoming", ended: "neutral", draft: "draft" };

function label(p: Phase): string {
  if (p === "upcoming") return t.upcomingBadge;
  if (p === "active") return t.statusLabel.PUBLISHED!;
  if (p === "ended") return t.statusLabel.ENDED!;
  return t.statusLabel.DRAFT!;
}

export function EventRow({ e, today }: { e: EventSummary; today?: string }) {
  const phase = phaseOf(e, today);
  return (
    <li>
      <Link class="event-link" href={eventHref(e)}>
        <span class="event-name">{e.eventName || t.untitled}</span>
        <span class="event-meta">
          <span class={`badge ${BADGE[phase]}`}>{label(phase)}</span>
          <span>{e.startDate && e.endDate ? t.period(seoulDate(e.startDate), seoulDate(e.endDate)) : t.noPeriod}</span>
          <span>{t.participants(e.participantCount)}</span>
        </span>
      </Link>
    </li>
  );
}

export function EventRows({ items, today }: { items: EventSummary[]; today?: string }) {
  return (
    <ul class="event-list">
      {items.map((e) => (
        <EventRow key={e.eventId} e={e} today={today} />
      ))}
    </ul>
  );
}
