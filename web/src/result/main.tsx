import { render } from "preact";
import { ApiError } from "../api/client";
import { eventIdFromPath } from "../lib/path";
import { PageState } from "../ui/PageState";
import { loadBoth, ResultApp } from "./ResultApp";
import "../styles/base.css";

const root = document.getElementById("app")!;
const eventId = eventIdFromPath(location.pathname);
root.textContent = "";
if (eventId) {
  const first = loadBoth(eventId); // on its way while the page renders
  first.catch(() => {}); // handled by the page
  render(<ResultApp eventId={eventId} first={first} />, root);
} else {
  render(<PageState error={new ApiError(404, "EVENT_001", "")} />, root);
}
