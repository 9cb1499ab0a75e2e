/** The event id of /e/{eventId} or /e/{eventId}/result, else null. */
export function eventIdFromPath(pathname: string): string | null {
  const m = /^\/e\/([^/]+)(?:\/result)?\/?$/.exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

export const entryPath = (eventId: string) => `/e/${encodeURIComponent(eventId)}`;
export const resultPath = (eventId: string) => `/e/${encodeURIComponent(eventId)}/result`;
