// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { api, refreshAccess } from "./http";
import { _reset, getSession, signIn } from "./session";

const fetchMock = vi.fn<typeof fetch>();

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status < 300 ? "application/json" : "application/problem+json" } });
const auth002 = () => json(401, { type: "about:blank", title: "Unauthorized", status: 401, code: "AUTH_002" });

function login(expiresIn = 900) {
  signIn({ userId: "u1", storeId: "s1", name: "민수", accessToken: "A1", refreshToken: "R1", expiresIn });
}

const authOf = (call: Parameters<typeof fetch>) => ((call[1]?.headers ?? {}) as Record<string, string>).Authorization;
const urlOf = (call: Parameters<typeof fetch>) => String(call[0]);

beforeEach(() => {
  sessionStorage.clear();
  _reset();
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
  history.replaceState(null, "", "/app/events/e1/participants?page=2");
});
afterEach(() => vi.unstubAllGlobals());

describe("session", () => {
  it("keeps tokens in sessionStorage and memory", () => {
    login();
    expect(getSession()?.accessToken).toBe("A1");
    _reset();
    expect(getSession()?.refreshToken).toBe("R1");
    expect(JSON.parse(sessionStorage.getItem("eventmkt.console.session")!).userId).toBe("u1");
  });

  it("sends the bearer token", async () => {
    login();
    fetchMock.mockResolvedValueOnce(json(200, { ok: 1 }));
    await expect(api("GET", "/api/v1/events")).resolves.toEqual({ ok: 1 });
    expect(authOf(fetchMock.mock.calls[0]!)).toBe("Bearer A1");
  });
});

describe("refresh", () => {
  it("refreshes once for concurrent 401s and retries each call with the new token", async () => {
    login();
    let refreshes = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fetchMock.mockImplementation(async (input, init) => {
      const url = String(input);
      const h = (init?.headers ?? {}) as Record<string, string>;
      if (url.endsWith("/users/refresh")) {
        refreshes++;
        expect(JSON.parse(String(init?.body))).toEqual({ refreshToken: "R1" });
        await gate;
        return json(200, { accessToken: "A2", refreshToken: "R2", tokenType: "Bearer", expiresIn: 900 });
      }
      if (h.Authorization === "Bearer A1") return auth002();
      return json(200, { url });
    });
    const calls = [api("GET", "/api/v1/events"), api("GET", "/api/v1/events/e1"), api("GET", "/api/v1/users/profile")];
    await new Promise((r) => setTimeout(r, 10));
    release();
    const got = await Promise.all(calls);
    expect(got.map((g) => (g as { url: string }).url)).toEqual(["/api/v1/events", "/api/v1/events/e1", "/api/v1/users/profile"]);
    expect(refreshes).toBe(1);
    expect(getSession()).toMatchObject({ accessToken: "A2", refreshToken: "R2" });
    // a call after the refresh uses the new token straight away
    fetchMock.mockClear();
    await api("GET", "/api/v1/events");
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(authOf(fetchMock.mock.calls[0]!)).toBe("Bearer A2");
  });

  it("uses a token another call already refreshed instead of trading again", async () => {
    login();
    fetchMock
      .mockImplementationOnce(async () => auth002()) // first call: stale
      .mockImplementationOnce(async () => json(200, { accessToken: "A2", refreshToken: "R2", tokenType: "Bearer", expiresIn: 900 }))
      .mockImplementationOnce(async () => json(200, { n: 1 }));
    await api("GET", "/api/v1/events");
    expect(fetchMock.mock.calls.map(urlOf)).toEqual(["/api/v1/events", "/api/v1/users/refresh", "/api/v1/events"]);
    expect(authOf(fetchMock.mock.calls[2]!)).toBe("Bearer A2");
  });

  it("refreshes before sending when the access token is about to expire", async () => {
    login(10); // inside the 30 s margin
    fetchMock
      .mockResolvedValueOnce(json(200, { accessToken: "A2", refreshToken: "R2", tokenType: "Bearer", expiresIn: 900 }))
      .mockResolvedValueOnce(json(200, {}));
    await api("GET", "/api/v1/events");
    expect(fetchMock.mock.calls.map(urlOf)).toEqual(["/api/v1/users/refresh", "/api/v1/events"]);
    expect(authOf(fetchMock.mock.calls[1]!)).toBe("Bearer A2");
  });

  it("signs out to login with next= the current page when the refresh is refused (revoked or reused)", async () => {
    login();
    fetchMock.mockImplementation(async (input) => (String(input).endsWith("/users/refresh") ? auth002() : auth002()));
    const calls = [api("GET", "/api/v1/events/e1/participants?page=2"), api("GET", "/api/v1/events/e1")];
    const results = await Promise.allSettled(calls);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ApiError);
      expect(((r as PromiseRejectedResult).reason as ApiError).code).toBe("AUTH_002");
    }
    expect(fetchMock.mock.calls.filter((c) => urlOf(c).endsWith("/users/refresh"))).toHaveLength(1);
    expect(getSession()).toBeNull();
    expect(sessionStorage.getItem("eventmkt.console.session")).toBeNull();
    expect(location.pathname).toBe("/app/login");
    expect(new URLSearchParams(location.search).get("next")).toBe("/app/events/e1/participants?page=2");
  });

  it("keeps the session when the refresh fails for the network", async () => {
    login();
    fetchMock.mockImplementation(async (input) => {
      if (String(input).endsWith("/users/refresh")) throw new TypeError("Failed to fetch");
      return auth002();
    });
    await expect(api("GET", "/api/v1/events")).rejects.toMatchObject({ code: "NETWORK" });
    expect(getSession()?.refreshToken).toBe("R1");
    expect(location.pathname).toBe("/app/events/e1/participants");
  });

  it("refreshAccess without a session rejects", async () => {
    await expect(refreshAccess()).rejects.toMatchObject({ code: "AUTH_002" });
  });

  it("passes other errors through untouched", async () => {
    login();
    fetchMock.mockResolvedValueOnce(json(404, { code: "EVENT_001", status: 404, title: "Not Found", type: "about:blank" }));
    await expect(api("GET", "/api/v1/events/x")).rejects.toMatchObject({ code: "EVENT_001", status: 404 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
