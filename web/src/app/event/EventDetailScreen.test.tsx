// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { detail as t, errors } from "../../i18n/console";
import { _reset, signIn } from "../session";
import type { DistributionStatus, Event } from "../types";
import { seoulDate } from "../format";
import { EventDetailScreen } from "./EventDetailScreen";

const ID = "22222222-2222-4222-8222-222222222222";
const ev = {
  eventId: ID, userId: "u1", storeId: "s1", objective: "NEW_CUSTOMERS", status: "PUBLISHED", eventName: "연말 이벤트", description: null, prize: "커피",
  startDate: "2026-12-01", endDate: "2026-12-05", winnerCount: 2, budget: null, channels: ["INSTAGRAM", "KAKAO"], channelSettings: {},
  selectedRecommendationId: null, selectedImageId: null, selectedImageUrl: "/posters/p.png", recommendations: [], images: [], timeZone: "Asia/Seoul",
  publishedAt: "2026-11-30T01:00:00Z", createdAt: "2026-11-30T00:00:00Z", updatedAt: "2026-11-30T01:00:00Z",
} as unknown as Event;
const ch = (channel: string, status: string) => ({
  channel, channelType: "SNS", status, progress: status === "SUCCESS" ? 100 : 0, distributionId: "", postUrl: "", retries: 0, attempts: 1,
  errorMessage: status === "FAILED" ? "API 오류" : "", estimatedViews: 0, nextAttemptAt: null, completedAt: null,
});
const dist = (overallStatus: string, kakao: string): DistributionStatus =>
  ({ eventId: ID, overallStatus, startedAt: "2026-11-30T01:00:00Z", completedAt: null, channels: [ch("INSTAGRAM", "SUCCESS"), ch("KAKAO", kakao)] }) as DistributionStatus;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const problem = (status: number, code: string) => json(status, { type: "about:blank", title: "", status, code });
const visit = { code: "042137", qrUrl: `https://app.example/e/${ID}?ch=STORE_QR&v=042137`, validOn: "2026-12-02", validUntil: "2026-12-02T15:00:00Z" };
const fetchMock = vi.fn<typeof fetch>();
let handler: (method: string, url: string) => Response;
let visitHandler: () => Response;
let root: HTMLElement;

beforeEach(() => {
  _reset();
  signIn({ userId: "u1", storeId: "s1", accessToken: "at", refreshToken: "rt", expiresIn: 900 });
  fetchMock.mockReset();
  visitHandler = () => json(200, visit);
  fetchMock.mockImplementation(async (input, init) => (String(input).endsWith("/visit-code") ? visitHandler() : handler(init?.method ?? "GET", String(input))));
  vi.stubGlobal("fetch", fetchMock);
  root = document.createElement("div");
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
});
const settle = async () => {
  for (let i = 0; i < 5; i++)
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
};
const button = (text: string, scope: ParentNode = root) => [...scope.querySelectorAll("button")].find((b) => b.textContent === text)!;

describe("event detail", () => {
  it("shows a QR code per channel plus the store and direct links, and the A4 poster with the store QR", async () => {
    handler = (_m, u) => (u.includes("/distribution/") ? json(200, dist("COMPLETED", "SUCCESS")) : json(200, ev));
    act(() => render(<EventDetailScreen id={ID} />, root));
    await settle();
    const labels = [...root.querySelectorAll("svg[role=img]")].map((s) => s.getAttribute("aria-label"));
    expect(labels).toEqual([
      t.qrLabel("인스타그램"), t.qrLabel("카카오"), t.qrLabel("매장 QR"), t.qrLabel("직접 링크"),
      t.qrLabel("매장 QR"),
    ]);
    expect(root.textContent).toContain(`${location.origin}/e/${ID}?ch=KAKAO`);
    // the store QR carries today's code (qrUrl); the other channels do not
    expect(root.textContent).toContain(visit.qrUrl);
    expect(root.textContent).not.toContain(`${location.origin}/e/${ID}?ch=STORE_QR`);
    const poster = root.querySelector("#poster")!;
    expect(poster.querySelector("img")!.getAttribute("src")).toBe("/posters/p.png");
    expect(poster.textContent).toContain(`/e/${ID}`);
    expect(poster.textContent).toContain(t.posterValidToday(seoulDate("2026-12-02")));
    expect(poster.textContent).toContain("042137");
    expect(root.textContent).toContain(t.posterDaily);
    expect(button(t.print)).toBeDefined();
  });

  it("shows today's store visit code big, with the day it is valid on and that it changes daily", async () => {
    handler = (_m, u) => (u.includes("/distribution/") ? json(200, dist("COMPLETED", "SUCCESS")) : json(200, ev));
    act(() => render(<EventDetailScreen id={ID} />, root));
    await settle();
    const card = [...root.querySelectorAll("section, .card")].find((c) => c.textContent!.startsWith(t.visitTitle))!;
    expect(card.querySelector(".visit-code [aria-hidden=true]")!.textContent).toBe("042137");
    expect(card.querySelector(".visit-code .visually-hidden")!.textContent).toBe("0 4 2 1 3 7");
    expect(card.textContent).toContain(t.visitValidOn(seoulDate("2026-12-02")));
    expect(card.textContent).toContain(t.visitDaily);
    expect(fetchMock.mock.calls.some(([u]) => String(u) === `/api/v1/events/${ID}/visit-code`)).toBe(true);
  });

  it("says so when today's code cannot be read, and the store QR falls back to the plain link", async () => {
    visitHandler = () => problem(503, "HTTP_503");
    handler = (_m, u) => (u.includes("/distribution/") ? json(200, dist("COMPLETED", "SUCCESS")) : json(200, ev));
    act(() => render(<EventDetailScreen id={ID} />, root));
    await settle();
    expect(root.textContent).toContain(t.visitUnavailable);
    expect(root.textContent).toContain(`${location.origin}/e/${ID}?ch=STORE_QR`);
  });

  it("asks no visit code for an ended event", async () => {
    handler = (_m, u) => (u.includes("/distribution/") ? json(200, dist("COMPLETED", "SUCCESS")) : json(200, { ...ev, status: "ENDED" }));
    act(() => render(<EventDetailScreen id={ID} />, root));
    await settle();
    expect(root.textContent).not.toContain(t.visitTitle);
    expect(fetchMock.mock.calls.some(([u]) => String(u).endsWith("/visit-code"))).toBe(false);
  });

  it("retries a failed channel and explains DIST_002", async () => {
    let retried = 0;
    handler = (m, u) => {
      if (m === "POST" && u.endsWith("/channels/KAKAO/retry")) return ++retried === 1 ? json(202, { eventId: ID, channel: "KAKAO", status: "PENDING", messageId: "m" }) : problem(409, "DIST_002");
      if (u.includes("/distribution/")) return json(200, retried ? dist("IN_PROGRESS", "PENDING") : dist("PARTIAL_SUCCESS", "FAILED"));
      return json(200, ev);
    };
    act(() => render(<EventDetailScreen id={ID} />, root));
    await settle();
    expect(root.textContent).toContain(t.distOverall.PARTIAL_SUCCESS);
    expect(root.textContent).toContain("API 오류");
    const retry = root.querySelector<HTMLButtonElement>(`button[aria-label="${t.retryLabel("카카오")}"]`)!;
    await act(() => retry.click());
    await settle();
    expect(fetchMock.mock.calls.filter(([, i]) => i?.method === "POST").length).toBe(1);
    expect(root.textContent).toContain(t.retried("카카오"));
    expect(root.textContent).toContain(t.distOverall.IN_PROGRESS);

    // The same button from a stale screen: the API says only FAILED channels can be retried.
    handler = (m, u) => {
      if (m === "POST") return problem(409, "DIST_002");
      if (u.includes("/distribution/")) return json(200, dist("PARTIAL_SUCCESS", "FAILED"));
      return json(200, ev);
    };
    render(null, root);
    act(() => render(<EventDetailScreen id={ID} />, root));
    await settle();
    await act(() => root.querySelector<HTMLButtonElement>(`button[aria-label="${t.retryLabel("카카오")}"]`)!.click());
    await settle();
    expect(root.querySelector("[role=alert]")!.textContent).toBe(errors.DIST_002);
  });

  it("ends the event early after the confirmation", async () => {
    handler = (m, u) => {
      if (m === "POST" && u.endsWith("/end")) return json(200, { ...ev, status: "ENDED", endedAt: "2026-12-02T00:00:00Z", updatedAt: "2026-12-02T00:00:00Z" });
      if (u.includes("/distribution/")) return json(200, dist("COMPLETED", "SUCCESS"));
      return json(200, ev);
    };
    act(() => render(<EventDetailScreen id={ID} />, root));
    await settle();
    await act(() => button(t.endEarly).click());
    const dialog = root.querySelector("dialog")!;
    expect(dialog.textContent).toContain(t.endBody);
    await act(() => button(t.endConfirm, dialog).click());
    await settle();
    expect(fetchMock.mock.calls.filter(([, i]) => i?.method === "POST")).toHaveLength(1);
    expect(root.querySelector(".page-head .badge")!.textContent).toBe("종료");
    expect(button(t.endEarly)).toBeUndefined();
  });
});
