// The signed-in owner: tokens in memory and in sessionStorage (this tab
// only, gone when it closes; never a cookie, never localStorage).

import { currentPath, loginHref, navigate } from "./router";

export interface Session {
  userId: string;
  storeId: string;
  name: string;
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch when the access token expires. */
  expiresAt: number;
}

const KEY = "eventmkt.console.session";
let memory: Session | null | undefined;
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.accessToken === "string" && typeof s.refreshToken === "string" ? s : null;
  } catch {
    return null;
  }
}

function write(s: Session | null) {
  memory = s;
  try {
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage may be unavailable (private mode): memory still works for this page
  }
  for (const l of [...listeners]) l();
}

/** The current session or null. */
export function getSession(): Session | null {
  if (memory === undefined) memory = read();
  return memory;
}

export const isSignedIn = (): boolean => getSession() !== null;

/** onSessionChange calls fn after sign-in, token rotation and sign-out. */
export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** signIn keeps what login or register answered. */
export function signIn(r: { userId: string; storeId: string; name?: string; accessToken: string; refreshToken: string; expiresIn: number }, name?: string): void {
  write({
    userId: r.userId,
    storeId: r.storeId,
    name: r.name ?? name ?? "",
    accessToken: r.accessToken,
    refreshToken: r.refreshToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
  });
}

/** rotate keeps a refreshed token pair. */
export function rotate(pair: { accessToken: string; refreshToken: string; expiresIn: number }): void {
  const s = getSession();
  if (!s) return;
  write({ ...s, accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: Date.now() + pair.expiresIn * 1000 });
}

/** setName updates the owner's name shown in the shell (after a profile change). */
export function setName(name: string): void {
  const s = getSession();
  if (s && s.name !== name) write({ ...s, name });
}

/**
 * signOut forgets the session and goes to login. With expired set (a refused
 * refresh, a revoked session) login comes back to where the owner was.
 */
export function signOut(opts: { expired?: boolean } = {}): void {
  const here = currentPath();
  write(null);
  const to = opts.expired ? loginHref(here) : "/app/login";
  if (!location.pathname.startsWith("/app/login")) navigate(to, { replace: true });
}

/** For tests: forget the memory copy so the next read comes from storage. */
export function _reset(): void {
  memory = undefined;
}
