// Downloads (the participants CSV, the draw proof) leave through a
// short-lived read-only Blob link that the owner's call answers: the Azure
// Functions host buffers a whole answer, so a large file never passes
// through the function. The link is signed as an attachment, so following
// it saves the file and the console stays where it is; no popup, and no
// token in a URL (the link is signed per file and expires in minutes).

import { exportParticipants, getProofLink } from "./api";
import { csvFileName } from "./participantsQuery";

/** Follows a download link with a hidden anchor. */
export function followLink(url: string, doc: Document = document): void {
  const a = doc.createElement("a");
  a.href = url;
  a.rel = "noopener";
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
}

/** Saves the participants CSV; returns the file's name (from the link's signed disposition). */
export async function downloadCsv(eventId: string, doc: Document = document): Promise<string> {
  const link = await exportParticipants(eventId);
  followLink(link.url, doc);
  return csvFileName(new URL(link.url, doc.location?.href ?? location.href).searchParams.get("rscd"), eventId);
}

/** Saves the draw's proof bundle. */
export async function downloadProof(eventId: string, doc: Document = document): Promise<void> {
  followLink((await getProofLink(eventId)).url, doc);
}
