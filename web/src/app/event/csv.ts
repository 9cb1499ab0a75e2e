// The participants CSV: fetched with the owner's token (apiRaw), then saved
// through a Blob link, with no popup and no token in a URL.

import { exportParticipants } from "./api";
import { csvFileName } from "./participantsQuery";

export async function downloadCsv(eventId: string, doc: Document = document): Promise<string> {
  const res = await exportParticipants(eventId);
  const blob = await res.blob();
  const name = csvFileName(res.headers.get("Content-Disposition"), eventId);
  const href = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: "text/csv;charset=utf-8" }));
  const a = doc.createElement("a");
  a.href = href;
  a.download = name;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 30_000);
  return name;
}
