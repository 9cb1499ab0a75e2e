import { render } from "preact";
import { ApiError } from "../api/client";
import { getEvent, recordView } from "../api/events";
import { eventIdFromPath } from "../lib/path";
import { PageState } from "../ui/PageState";
import { EntryApp } from "./EntryApp";
import { sourceOf, visitCodeOf } from "./logic";
import "../styles/base.css";

const root = document.getElementById("app")!;
const eventId = eventIdFromPath(location.pathname);
const source = sourceOf(location.search);
const linkCode = visitCodeOf(location.search); // the store QR code's visit code, v
root.textContent = "";
if (eventId) {
  const first = getEvent(eventId); // before anything else: the poster waits for it
  first.catch(() => {}); // handled by the page once it renders
  render(<EntryApp eventId={eventId} source={source} linkCode={linkCode} first={first} />, root);
  recordView(eventId, source); // once per page load
} else {
  render(<PageState error={new ApiError(404, "EVENT_001", "")} />, root);
}
