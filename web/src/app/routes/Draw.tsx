import type { RouteProps } from "../router";
import { DrawScreen } from "../event/DrawScreen";
import "../event/event.css";

export default function Draw({ params }: RouteProps) {
  return <DrawScreen id={params.id!} />;
}
