import type { RouteProps } from "../router";
import { ParticipantsScreen } from "../event/ParticipantsScreen";
import "../event/event.css";

export default function Participants({ params, query }: RouteProps) {
  return <ParticipantsScreen id={params.id!} query={query} />;
}
