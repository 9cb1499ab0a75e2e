import type { RouteProps } from "../router";
import { EventDetailScreen } from "../event/EventDetailScreen";
import "../event/event.css";

export default function EventDetail({ params }: RouteProps) {
  return <EventDetailScreen id={params.id!} />;
}
