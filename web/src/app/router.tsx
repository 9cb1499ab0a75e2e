// A tiny router of our own: a route table with lazy screens, the History
// API, <Link> and navigate(). Each screen is src/app/routes/<Name>.tsx with a
// default export taking { params, query }. The shell (src/app/Shell.tsx)
// wraps it in <main id="main">, so a screen renders its content: one <h1>
// first, then sections. Title: setTitle() from ./ui (or the h1 is used).

import type { AnchorHTMLAttributes, ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

export interface RouteProps {
  params: Record<string, string>;
  query: URLSearchParams;
}
export type Screen = ComponentType<RouteProps>;
export type NavKey = "home" | "events" | "analytics" | "profile";

export interface Route {
  path: string;
  load: () => Promise<{ default: Screen }>;
  /** Signed-in only: without a session the screen sends the owner to login (?next= back here). */
  auth: boolean;
  /** Which bottom/side navigation item is current. */
  nav?: NavKey;
}

export const routes: Route[] = [
  { path: "/app", load: () => import("./routes/Dashboard"), auth: true, nav: "home" },
  { path: "/app/login", load: () => import("./routes/Login"), auth: false },
  { path: "/app/register", load: () => import("./routes/Register"), auth: false },
  { path: "/app/profile", load: () => import("./routes/Profile"), auth: true, nav: "profile" },
  { path: "/app/events", load: () => import("./routes/Events"), auth: true, nav: "events" },
  { path: "/app/events/new", load: () => import("./routes/NewEvent"), auth: true, nav: "events" },
  { path: "/app/events/:id", load: () => import("./routes/EventDetail"), auth: true, nav: "events" },
  { path: "/app/events/:id/participants", load: () => import("./routes/Participants"), auth: true, nav: "events" },
  { path: "/app/events/:id/draw", load: () => import("./routes/Draw"), auth: true, nav: "events" },
  { path: "/app/events/:id/analytics", load: () => import("./routes/Analytics"), auth: true, nav: "analytics" },
  { path: "/app/analytics", load: () => import("./routes/AllAnalytics"), auth: true, nav: "analytics" },
];

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** The route of a path and its :params (decoded), or null. A trailing slash is ignored. */
export function match(pathname: string, table: Route[] = routes): Match | null {
  const parts = pathname.replace(/\/+$/, "").split("/");
  for (const route of table) {
    const want = route.path.split("/");
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      const w = want[i]!;
      const p = parts[i]!;
      if (w.startsWith(":")) {
        if (!p) ok = false;
        else
          try {
            params[w.slice(1)] = decodeURIComponent(p);
          } catch {
            ok = false;
          }
      } else ok = w === p;
    }
    if (ok) return { route, params };
  }
  return null;
}

// ------------------------------------------------------------ location

type Listener = () => void;
const listeners = new Set<Listener>();
let listening = false;

/** The current path and query, e.g. /app/events?page=2. */
export const currentPath = (): string => location.pathname + location.search;

function notify() {
  for (const l of [...listeners]) l();
}

/** subscribe calls fn after every navigation (links, navigate, back/forward). */
export function subscribe(fn: Listener): () => void {
  if (!listening) {
    listening = true;
    addEventListener("popstate", notify);
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** navigate goes to a path inside the app (pushState; replace for redirects). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === currentPath() && !opts.replace) return;
  if (opts.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
}

/** The login screen's path that comes back to `next` afterwards. */
export function loginHref(next?: string): string {
  return next && next.startsWith("/app") && !next.startsWith("/app/login")
    ? `/app/login?next=${encodeURIComponent(next)}`
    : "/app/login";
}

/** A safe place to go after login: an /app path from ?next=, else the dashboard. */
export function nextOf(query: URLSearchParams): string {
  const n = query.get("next") ?? "";
  return /^\/app(\/|\?|$)/.test(n) && !n.startsWith("//") ? n : "/app";
}

/** useLocation re-renders on every navigation and returns the path and query. */
export function useLocation(): { pathname: string; query: URLSearchParams; href: string } {
  const [, setTick] = useState(0);
  useEffect(() => subscribe(() => setTick((t) => t + 1)), []);
  return { pathname: location.pathname, query: new URLSearchParams(location.search), href: currentPath() };
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; replace?: boolean };

/** An ordinary link that navigates in place (a modified click opens a tab as usual). */
export function Link({ href, replace, onClick, ...rest }: LinkProps) {
  return (
    <a
      href={href}
      onClick={(e) => {
        if (onClick) (onClick as (e: MouseEvent) => void)(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href, { replace });
      }}
      {...rest}
    />
  );
}

// ------------------------------------------------------------ lazy screens

const loaded = new Map<Route, Screen>();
const loading = new Map<Route, Promise<Screen>>();

/** load fetches a route's screen once (a failed load may be retried). */
export function loadScreen(route: Route): Promise<Screen> {
  const have = loaded.get(route);
  if (have) return Promise.resolve(have);
  let p = loading.get(route);
  if (!p) {
    p = route.load().then(
      (m) => {
        loaded.set(route, m.default);
        loading.delete(route);
        return m.default;
      },
      (e: unknown) => {
        loading.delete(route);
        throw e;
      },
    );
    loading.set(route, p);
  }
  return p;
}

/** The screen of a route if it is already loaded (renders without a flash). */
export const loadedScreen = (route: Route): Screen | undefined => loaded.get(route);
