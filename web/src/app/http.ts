// Owner calls: the shared client's errors (ApiError), plus the bearer token,
// one silent refresh with the rotating refresh token on 401 AUTH_002, and a
// sign-out to /app/login?next=<here> when the refresh is refused.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, NETWORK, bodyOf, init, settle } from "../api/client";
import { getSession, rotate, signOut } from "./session";
import type { TokenPair } from "./types";

export interface CallOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const API = "/api/v1";
/** Refresh a little before the access token expires, not after a failed call. */
const EARLY_MS = 30_000;

let refreshing: Promise<string> | null = null;

/**
 * refreshAccess trades the refresh token for a new pair, one trade at a time:
 * concurrent callers share the one in flight (the token rotates, so a second
 * trade with the same token would revoke the session). Resolves with the new
 * access token; a refused refresh signs out and rejects with AUTH_002.
 */
export function refreshAccess(): Promise<string> {
  if (refreshing) return refreshing;
  const s = getSession();
  if (!s) return Promise.reject(new ApiError(401, "AUTH_002", "no session"));
  refreshing = (async () => {
    try {
      const res = await settle(fetch(`${API}/users/refresh`, init("POST", { refreshToken: s.refreshToken })));
      const pair = await bodyOf<TokenPair>(res);
      rotate(pair);
      return pair.accessToken;
    } catch (e) {
      // A network failure keeps the session (the next call tries again);
      // a refused token (revoked, reused, expired) ends it.
      if (e instanceof ApiError && e.code !== NETWORK && e.status !== 0 && e.status < 500) signOut({ expired: true });
      throw e;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function send(method: string, url: string, token: string, body: unknown, opts: CallOptions): Promise<Response> {
  const req = init(method, body);
  req.headers = { ...(req.headers as Record<string, string>), ...opts.headers, Authorization: `Bearer ${token}` };
  if (opts.signal) req.signal = opts.signal;
  return fetch(url, req);
}

/** apiRaw sends an owner call and returns the successful Response (for ETag, CSV). */
export async function apiRaw(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Response> {
  const url = path.startsWith("/api/") ? path : API + path;
  let s = getSession();
  if (!s) {
    signOut({ expired: true });
    throw new ApiError(401, "AUTH_002", "not signed in");
  }
  let token = s.accessToken;
  if (refreshing) token = await refreshing;
  else if (s.expiresAt - EARLY_MS < Date.now()) token = await refreshAccess();
  try {
    return await settle(send(method, url, token, body, opts));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401 || e.code !== "AUTH_002") throw e;
    // Someone else may have refreshed while this call was out: use theirs.
    s = getSession();
    if (!s) throw e;
    const fresh = s.accessToken !== token ? s.accessToken : await refreshAccess();
    try {
      return await settle(send(method, url, fresh, body, opts));
    } catch (e2) {
      if (e2 instanceof ApiError && e2.status === 401 && e2.code === "AUTH_002") signOut({ expired: true });
      throw e2;
    }
  }
}

/** api sends an owner call and returns its JSON (undefined for 204/202 without a body). */
export async function api<T>(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<T> {
  const res = await apiRaw(method, path, body, opts);
  if (res.status === 204 || res.headers.get("Content-Length") === "0") return undefined as T;
  return bodyOf<T>(res);
}

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Load again; keeps the data shown meanwhile. */
  reload: () => void;
}

/** useApi GETs path (again when it changes; nothing when null). */
export function useApi<T>(path: string | null): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    const n = ++seq.current;
    setLoading(true);
    setError(null);
    api<T>("GET", path, undefined, { signal: ctl.signal }).then(
      (v) => {
        if (n !== seq.current) return;
        setData(v);
        setLoading(false);
      },
      (e: unknown) => {
        if (n !== seq.current || ctl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
