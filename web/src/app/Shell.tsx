// The console's frame: skip link, header, navigation (bottom bar under
// 1024 px, side bar from 1024 px), and <main> with the current screen.

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { shell } from "../i18n/console";
import { Link, type NavKey, type Route, loadScreen, loadedScreen, loginHref, match, nextOf, navigate, useLocation } from "./router";
import { getSession, onSessionChange } from "./session";
import { ErrorNote, Spinner } from "./ui";

const NAV: { key: NavKey; href: string; label: string; icon: string }[] = [
  { key: "home", href: "/app", label: shell.navHome, icon: "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z" },
  { key: "events", href: "/app/events", label: shell.navEvents, icon: "M4 5h16v15H4zM4 9h16M8 3v4m8-4v4" },
  { key: "analytics", href: "/app/analytics", label: shell.navAnalytics, icon: "M4 20V10m6 10V4m6 16v-7m4 7H2" },
  { key: "profile", href: "/app/profile", label: shell.navProfile, icon: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9a8 8 0 0 1 16 0" },
];

function Nav({ current }: { current?: NavKey | undefined }) {
  return (
    <nav class="nav" aria-label={shell.navLabel}>
      <ul>
        {NAV.map((n) => (
          <li key={n.key}>
            <Link href={n.href} aria-current={current === n.key ? "page" : undefined}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d={n.icon} />
              </svg>
              <span>{n.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Frame({ nav, current, children, mainRef }: { nav: boolean; current?: NavKey | undefined; children: ComponentChildren; mainRef: { current: HTMLElement | null } }) {
  return (
    <div class={nav ? "console with-nav" : "console"}>
      <a class="skip" href="#main">
        {shell.skip}
      </a>
      <header class="topbar">
        <Link href="/app" class="brand">
          {shell.appName}
        </Link>
      </header>
      {nav && <Nav current={current} />}
      <main id="main" tabIndex={-1} ref={mainRef}>
        {children}
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <>
      <h1>{shell.notFoundTitle}</h1>
      <p>{shell.notFoundBody}</p>
      <Link class="btn btn-primary" href="/app">
        {shell.goHome}
      </Link>
    </>
  );
}

function useSession() {
  const [, set] = useState(0);
  useEffect(() => onSessionChange(() => set((n) => n + 1)), []);
  return getSession();
}

/** The whole console: picks the route, guards it, loads its screen, frames it. */
export function App() {
  const { pathname, query, href } = useLocation();
  const session = useSession();
  const m = match(pathname);
  const route: Route | undefined = m?.route;
  const needLogin = !!route?.auth && !session;
  const leaveAuthPage = !!route && !route.auth && !!session;
  const [, setLoaded] = useState(0);
  const [loadError, setLoadError] = useState<unknown>(null);
  const mainRef = useRef<HTMLElement | null>(null);
  const first = useRef(true);

  useEffect(() => {
    if (needLogin) navigate(loginHref(href), { replace: true });
    else if (leaveAuthPage) navigate(nextOf(query), { replace: true });
  }, [needLogin, leaveAuthPage, href]);

  const Screen = route ? loadedScreen(route) : undefined;
  // Load the screen when this render had none (it may have arrived since:
  // then loadScreen resolves at once and the next render shows it).
  useEffect(() => {
    if (!route || needLogin || Screen) return;
    let live = true;
    setLoadError(null);
    loadScreen(route).then(
      () => live && setLoaded((n) => n + 1),
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [route, needLogin, Screen]);

  const screenKey = route ? `${route.path}|${JSON.stringify(m!.params)}` : "404";

  // After a navigation, move focus to the new screen's heading (not on first load).
  useEffect(() => {
    if (!Screen) return;
    if (first.current) {
      first.current = false;
      return;
    }
    scrollTo?.(0, 0);
    const main = mainRef.current;
    if (!main) return;
    const focusHeading = (h1: HTMLElement) => {
      h1.tabIndex = -1;
      h1.focus();
      if (!document.title.startsWith(h1.textContent ?? "")) document.title = `${h1.textContent} | ${shell.title}`;
    };
    const h1 = main.querySelector<HTMLElement>("h1");
    if (h1) return focusHeading(h1);
    // The screen is still loading (a spinner): hold focus on <main>, then hand
    // it to the heading when it appears, unless the owner has moved on.
    main.focus();
    const seen = new MutationObserver(() => {
      const h = main.querySelector<HTMLElement>("h1");
      if (!h) return;
      seen.disconnect();
      if (document.activeElement === main) focusHeading(h);
    });
    seen.observe(main, { childList: true, subtree: true });
    const stop = setTimeout(() => seen.disconnect(), 10_000);
    return () => {
      seen.disconnect();
      clearTimeout(stop);
    };
  }, [screenKey, !!Screen]);

  let body: ComponentChildren;
  if (!route) body = <NotFound />;
  else if (needLogin || leaveAuthPage) body = <Spinner />;
  else if (Screen) body = <Screen key={screenKey} params={m!.params} query={query} />;
  else if (loadError)
    body = (
      <ErrorNote
        error={loadError}
        message={shell.routeFailed}
        onRetry={() => {
          setLoadError(null);
          loadScreen(route).then(() => setLoaded((n) => n + 1), setLoadError);
        }}
      />
    );
  else body = <Spinner />;

  return (
    <Frame nav={!!session && (route?.auth ?? true)} current={route?.nav} mainRef={mainRef}>
      {body}
    </Frame>
  );
}
