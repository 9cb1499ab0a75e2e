// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { type Route, loadScreen, loginHref, match, navigate, nextOf, routes } from "./router";
import { App } from "./Shell";
import { _reset, signIn } from "./session";

const fetchMock = vi.fn<typeof fetch>();
let root: HTMLElement;

/** Lets lazy imports and effects settle. */
async function settle(ms = 30) {
  for (let i = 0; i < 5; i++) await act(() => new Promise<void>((r) => setTimeout(r, ms / 5)));
}
async function until(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await settle(20);
  expect(cond()).toBe(true);
}
const h1 = () => root.querySelector("h1")?.textContent ?? "";

beforeEach(() => {
  sessionStorage.clear();
  _reset();
  fetchMock.mockReset();
  fetchMock.mockImplementation(async () => new Response(JSON.stringify({ code: "SERVER_500" }), { status: 500 }));
  vi.stubGlobal("fetch", fetchMock);
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
});

describe("match", () => {
  it("finds routes and decodes params", () => {
    expect(match("/app")?.route.path).toBe("/app");
    expect(match("/app/")?.route.path).toBe("/app");
    expect(match("/app/events/new")?.route.path).toBe("/app/events/new");
    const m = match("/app/events/abc%2F1/draw");
    expect(m?.route.path).toBe("/app/events/:id/draw");
    expect(m?.params).toEqual({ id: "abc/1" });
    expect(match("/app/events/e1/participants")?.params).toEqual({ id: "e1" });
    expect(match("/app/nope")).toBeNull();
    expect(match("/app/events//draw")).toBeNull();
    expect(match("/app/events/%E0%A4%A/draw")).toBeNull();
  });

  it("keeps next= inside the app", () => {
    expect(loginHref("/app/events?page=2")).toBe("/app/login?next=%2Fapp%2Fevents%3Fpage%3D2");
    expect(loginHref("/app/login?next=x")).toBe("/app/login");
    expect(nextOf(new URLSearchParams("next=%2Fapp%2Fevents%3Fpage%3D2"))).toBe("/app/events?page=2");
    expect(nextOf(new URLSearchParams("next=https://evil.example/app"))).toBe("/app");
    expect(nextOf(new URLSearchParams("next=//evil.example"))).toBe("/app");
    expect(nextOf(new URLSearchParams(""))).toBe("/app");
  });
});

describe("lazy screens", () => {
  it("loads a route's module once, on demand", async () => {
    const load = vi.fn(async () => ({ default: () => <h1>Lazy</h1> }));
    const r: Route = { path: "/app/x", load, auth: false };
    expect(load).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([loadScreen(r), loadScreen(r)]);
    expect(a).toBe(b);
    await loadScreen(r);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("retries a failed load", async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error("chunk")).mockResolvedValueOnce({ default: () => null });
    const r: Route = { path: "/app/y", load, auth: false };
    await expect(loadScreen(r)).rejects.toThrow("chunk");
    await expect(loadScreen(r)).resolves.toBeTypeOf("function");
  });

  it("every route has a loader that resolves to a component", async () => {
    for (const r of routes) expect(typeof (await r.load()).default).toBe("function");
  });
});

describe("App", () => {
  it("sends a signed-out owner to login with next=, and back/forward move between screens", async () => {
    history.replaceState(null, "", "/app/events?status=ENDED");
    render(<App />, root);
    await until(() => location.pathname === "/app/login" && h1() === "로그인");
    expect(new URLSearchParams(location.search).get("next")).toBe("/app/events?status=ENDED");
    expect(root.querySelector("label[for=email]")?.textContent).toBe("이메일");
    expect(root.querySelector("label[for=password]")?.textContent).toBe("비밀번호");
    expect(root.querySelector("button[type=submit]")?.textContent).toBe("로그인");
    expect(root.querySelector("nav")).toBeNull(); // no navigation before signing in

    // a link click navigates in place
    const toRegister = root.querySelector<HTMLAnchorElement>('a[href^="/app/register"]')!;
    await act(() => toRegister.click());
    await until(() => h1() === "회원가입");
    expect(location.pathname).toBe("/app/register");

    await act(() => history.back());
    await until(() => h1() === "로그인");
    expect(location.pathname).toBe("/app/login");

    await act(() => history.forward());
    await until(() => h1() === "회원가입");
  });

  it("shows the signed-in shell with the current nav item and route params", async () => {
    signIn({ userId: "u1", storeId: "s1", name: "민수", accessToken: "A", refreshToken: "R", expiresIn: 900 });
    history.replaceState(null, "", "/app/events/e-42/draw");
    render(<App />, root);
    await until(() => !!root.querySelector("main h1"));
    const current = root.querySelector('nav a[aria-current="page"]');
    expect(current?.getAttribute("href")).toBe("/app/events");
    expect([...root.querySelectorAll("nav a")].map((a) => a.textContent)).toEqual(["홈", "이벤트", "분석", "프로필"]);
    expect(root.querySelector("a.skip")?.getAttribute("href")).toBe("#main");

    await act(() => navigate("/app/profile"));
    await until(() => h1() === "프로필");
    expect(root.querySelector('nav a[aria-current="page"]')?.getAttribute("href")).toBe("/app/profile");
    expect(root.querySelectorAll("h1")).toHaveLength(1);

    await act(() => history.back());
    await until(() => location.pathname === "/app/events/e-42/draw" && h1() !== "프로필");
  });

  it("shows not found for an unknown path", async () => {
    history.replaceState(null, "", "/app/nowhere");
    render(<App />, root);
    await until(() => h1() === "페이지를 찾을 수 없어요");
  });
});
