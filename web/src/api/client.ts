// A tiny fetch wrapper: JSON in, JSON out, and every failure as one typed
// ApiError carrying the problem's stable code, the HTTP status and the
// Retry-After seconds, so pages branch on codes, never on prose.

export interface FieldError {
  field: string;
  message: string;
}

/** NETWORK: no answer at all (offline, DNS, reset); the request may or may not have arrived. */
export const NETWORK = "NETWORK";
/** BAD_RESPONSE: an answer that is not the JSON it should be (a proxy's error page, say). */
export const BAD_RESPONSE = "BAD_RESPONSE";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly retryAfter: number | null = null,
    readonly fieldErrors: FieldError[] = [],
    /** The problem's numeric extension members (remainingTries, retryAfterSeconds...). */
    readonly extra: Record<string, number> = {},
  ) {
    super(detail || code);
    this.name = "ApiError";
  }
}

/** Seconds to wait from a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | null {
  if (!v) return null;
  if (/^\s*\d+\s*$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - now) / 1000));
}

async function problemOf(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // not a problem document: the status says enough
  }
  const code = typeof body.code === "string" ? body.code : `HTTP_${res.status}`;
  const detail = typeof body.detail === "string" ? body.detail : res.statusText;
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  const extra: Record<string, number> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "number" && k !== "status") extra[k] = v;
  return new ApiError(res.status, code, detail, parseRetryAfter(res.headers.get("Retry-After")), errors, extra);
}

/** The fetch options of every call: JSON, same-origin credentials only. */
export function init(method: string, body?: unknown): RequestInit {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body === undefined) return { method, headers, credentials: "same-origin" };
  headers["Content-Type"] = "application/json";
  return { method, headers, credentials: "same-origin", body: JSON.stringify(body) };
}

/** settle turns a fetch in flight into its response when it succeeded, else an ApiError. */
export async function settle(sent: Promise<Response>): Promise<Response> {
  let res: Response;
  try {
    res = await sent;
  } catch (e) {
    throw new ApiError(0, NETWORK, e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw await problemOf(res);
  return res;
}

/** The JSON body of a successful response. */
export async function bodyOf<T>(res: Response): Promise<T> {
  try {
    return (await res.json()) as T;
  } catch (e) {
    throw new ApiError(res.status, BAD_RESPONSE, e instanceof Error ? e.message : String(e));
  }
}

/** request sends one call and returns the raw response when it succeeded. */
export function request(method: string, path: string, body?: unknown): Promise<Response> {
  return settle(fetch(path, init(method, body)));
}

/** json is request for a JSON answer. */
export async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  return bodyOf<T>(await request(method, path, body));
}
