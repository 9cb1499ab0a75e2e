// @vitest-environment happy-dom
// The funnel against a mocked fetch: the step derived on reload, the URL
// state, double-click safety, jobs, field errors beside their fields.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { funnel as t, errors } from "../../i18n/console";
import NewEvent from "../routes/NewEvent";
import { useLocation } from "../router";
import { _reset, signIn } from "../session";
import { EVENT_ID, draft, plan, poster } from "./testdata";
import type { Draft } from "./types";

const JOB = "99999999-2222-4333-8444-555555555555";
const JOB2 = "88888888-2222-4333-8444-555555555555";

type Reply = Response | Promise<Response> | (() => Response | Promise<Response>);
let server: Record<string, Reply[]>;
let calls: { method: string; path: string; body: unknown }[];
const fetchMock = vi.fn<typeof fetch>();

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status < 300 ? "application/json" : "application/problem+json" } });
const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  json(status, { type: "about:blank", title: "x", status, code, ...extra });

/** Queue answers for "METHOD /path" (the last one repeats). */
function on(key: string, ...replies: Reply[]) {
  server[key] = [...(server[key] ?? []), ...replies];
}

function Harness() {
  const { query } = useLocation();
  return <NewEvent params={{}} query={query} />;
}

let root: HTMLElement;
async function open(url: string) {
  history.replaceState(null, "", url);
  await act(async () => {
    render(<Harness />, root);
  });
  await settle();
}
async function settle(n = 6) {
  for (let i = 0; i < n; i++) await act(async () => void (await new Promise((r) => setTimeout(r, 0))));
}
const heading = () => root.querySelector("h2")!;
const button = (text: string) => [...root.querySelectorAll("button")].find((b) => b.textContent!.includes(text))!;
const input = (id: string) => root.querySelector<HTMLInputElement>(`#${id}`)!;
const type = (el: HTMLInputElement, v: string) =>
  act(() => {
    el.value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
const describedText = (el: HTMLElement) => (el.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ");

beforeEach(() => {
  sessionStorage.clear();
  _reset();
  signIn({ userId: "u1", storeId: "s1", accessToken: "A", refreshToken: "R", expiresIn: 900 });
  server = {};
  calls = [];
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (input, init) => {
    const url = new URL(String(input), "http://localhost");
    const method = init?.method ?? "GET";
    const key = `${method} ${url.pathname}`;
    calls.push({ method, path: url.pathname, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const q = server[key];
    if (!q?.length) throw new Error(`unexpected ${key}`);
    const r = q.length > 1 ? q.shift()! : q[0]!;
    const res = typeof r === "function" ? await r() : await r;
    return res.clone();
  });
  vi.stubGlobal("fetch", fetchMock);
  root = document.createElement("div");
  document.body.replaceChildren(root);
});
afterEach(() => {
  render(null, root);
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const count = (method: string, suffix: string) => calls.filter((c) => c.method === method && c.path.endsWith(suffix)).length;
const ev = `/api/v1/events/${EVENT_ID}`;
const plans = [plan("a1111111-2222-4333-8444-555555555555"), plan("b1111111-2222-4333-8444-555555555555", { budgetLevel: "HIGH" }), plan("c1111111-2222-4333-8444-555555555555", { budgetLevel: "LOW" })];
const chosen = (over: Partial<Draft> = {}) =>
  draft({
    recommendations: plans, selectedRecommendationId: plans[0]!.recommendationId, eventName: "연말 이벤트", prize: "커피", description: "d",
    startDate: "2099-12-01", endDate: "2099-12-10", ...over,
  });
const withPoster = (over: Partial<Draft> = {}) =>
  chosen({ images: [poster("d1111111-2222-4333-8444-555555555555")], selectedImageId: "d1111111-2222-4333-8444-555555555555", ...over });

describe("step 1: objective", () => {
  it("creates one event for a double click and puts its id in the URL", async () => {
    let resolve!: (r: Response) => void;
    on("POST /api/v1/events/objectives", () => new Promise<Response>((r) => (resolve = r)));
    await open("/app/events/new");
    expect(heading().textContent).toContain(t.objectiveTitle);
    const b = button(t.objectives.REVISIT!.name);
    await act(() => {
      b.click();
      b.click();
      button(t.objectives.AWARENESS!.name).click();
    });
    await settle();
    resolve(json(201, draft({ objective: "REVISIT" })));
    await settle();
    expect(count("POST", "/objectives")).toBe(1);
    expect(calls[0]!.body).toEqual({ objective: "REVISIT" });
    expect(location.pathname + location.search).toBe(`/app/events/new?id=${EVENT_ID}&step=2`);
    expect(heading().textContent).toContain(t.plansTitle);
    expect(document.activeElement).toBe(heading());
  });

  it("coming back to step 1 with the id shows the objective and never creates again", async () => {
    on(`GET ${ev}`, json(200, draft({ objective: "AWARENESS" })));
    await open(`/app/events/new?id=${EVENT_ID}&step=1`);
    expect(root.textContent).toContain(t.objectiveChosen(t.objectives.AWARENESS!.name));
    expect(root.textContent).not.toContain(t.objectives.REVISIT!.line);
    await act(() => button(t.next).click());
    expect(location.search).toBe(`?id=${EVENT_ID}&step=2`);
    expect(count("POST", "/objectives")).toBe(0);
  });
});

describe("reload", () => {
  it("lands on the step the draft's fields derive and writes it into the URL", async () => {
    on(`GET ${ev}`, json(200, draft({ recommendations: plans })));
    await open(`/app/events/new?id=${EVENT_ID}`);
    expect(heading().textContent).toContain(t.chooseTitle);
    expect(location.search).toBe(`?id=${EVENT_ID}&step=3`);
    expect(root.querySelectorAll('input[name="plan"]').length).toBe(3);
    expect(root.textContent).toContain("₩300,000");
  });

  it("does not skip ahead to a step the draft is not ready for", async () => {
    on(`GET ${ev}`, json(200, chosen()));
    await open(`/app/events/new?id=${EVENT_ID}&step=7`);
    expect(heading().textContent).toContain(t.postersTitle);
    expect(location.search).toBe(`?id=${EVENT_ID}&step=4`);
  });

  it("says so when the draft is gone", async () => {
    on(`GET ${ev}`, problem(404, "EVENT_001"));
    await open(`/app/events/new?id=${EVENT_ID}`);
    expect(root.textContent).toContain(t.draftGone);
  });

  it("back and forward walk the steps", async () => {
    on(`GET ${ev}`, json(200, withPoster()));
    await open(`/app/events/new?id=${EVENT_ID}&step=6`);
    expect(heading().textContent).toContain(t.channelsTitle);
    await act(() => button(t.back).click());
    expect(location.search).toBe(`?id=${EVENT_ID}&step=5`);
    expect(heading().textContent).toContain(t.editTitle);
    await act(async () => {
      history.back();
      await new Promise((r) => setTimeout(r, 20));
    });
    await settle();
    expect(location.search).toBe(`?id=${EVENT_ID}&step=6`);
    expect(heading().textContent).toContain(t.channelsTitle);
    expect(count("GET", EVENT_ID)).toBe(1);
  });
});

describe("step 2: AI plans", () => {
  it("queues the planner, keeps the job in the URL, polls it and moves on when it completes", async () => {
    on(`GET ${ev}`, json(200, draft()), json(200, draft({ recommendations: plans })));
    on(`POST ${ev}/ai-recommendations`, json(202, { jobId: JOB, status: "PENDING" }));
    on(`GET /api/v1/jobs/${JOB}`, json(200, { jobId: JOB, eventId: EVENT_ID, jobType: "AI_RECOMMENDATION", status: "COMPLETED", progress: 100, createdAt: "", updatedAt: "" }));
    await open(`/app/events/new?id=${EVENT_ID}`);
    expect(heading().textContent).toContain(t.plansTitle);
    await type(input("plan-region"), "서울 마포구");
    await type(input("plan-budget"), "300,000");
    await act(() => {
      button(t.makePlans).click();
      button(t.makePlans)?.click();
    });
    await settle(10);
    expect(count("POST", "/ai-recommendations")).toBe(1);
    expect(calls.find((c) => c.path.endsWith("/ai-recommendations"))!.body).toEqual({ region: "서울 마포구", budget: 300000 });
    expect(count("GET", `/jobs/${JOB}`)).toBe(1);
    expect(location.search).toBe(`?id=${EVENT_ID}&step=3`);
    expect(heading().textContent).toContain(t.chooseTitle);
  });

  it("shows a failed job's reason and retries", async () => {
    on(`GET ${ev}`, json(200, draft()));
    on(`GET /api/v1/jobs/${JOB}`, json(200, { jobId: JOB, eventId: EVENT_ID, jobType: "AI_RECOMMENDATION", status: "FAILED", progress: 40, errorMessage: "planner down", createdAt: "", updatedAt: "" }));
    on(`POST ${ev}/ai-recommendations`, json(202, { jobId: JOB2, status: "PENDING" }));
    on(`GET /api/v1/jobs/${JOB2}`, json(200, { jobId: JOB2, eventId: EVENT_ID, jobType: "AI_RECOMMENDATION", status: "PROCESSING", progress: 30, createdAt: "", updatedAt: "" }));
    await open(`/app/events/new?id=${EVENT_ID}&step=2&job=${JOB}`);
    expect(root.querySelector('[role="alert"]')!.textContent).toContain(t.jobFailed("planner down"));
    await act(() => button(t.jobRetry).click());
    await settle(10);
    expect(location.search).toBe(`?id=${EVENT_ID}&step=2&job=${JOB2}`);
    const bar = root.querySelector("progress")!;
    expect(bar.getAttribute("value")).toBe("30");
  });
});

describe("step 3: choose a plan", () => {
  it("keeps what was typed when the network fails", async () => {
    on(`GET ${ev}`, json(200, draft({ recommendations: plans })));
    on(`PUT ${ev}/recommendations`, () => Promise.reject(new TypeError("Failed to fetch")));
    await open(`/app/events/new?id=${EVENT_ID}`);
    await act(() => root.querySelector<HTMLInputElement>('input[name="plan"]')!.click());
    expect(input("plan-name").value).toBe(plans[0]!.eventName);
    await type(input("plan-name"), "우리 가게 연말 이벤트");
    await act(() => button(t.savePlan).click());
    await settle();
    expect(root.textContent).toContain(errors.NETWORK!);
    expect(input("plan-name").value).toBe("우리 가게 연말 이벤트");
    expect(calls.find((c) => c.method === "PUT")!.body).toMatchObject({ recommendationId: plans[0]!.recommendationId, eventName: "우리 가게 연말 이벤트" });
  });

  it("shows the API's field errors beside the fields", async () => {
    on(`GET ${ev}`, json(200, chosen()));
    on(`PUT ${ev}/recommendations`, problem(400, "VALIDATION_001", { errors: [{ field: "endDate", message: "must not be before startDate" }] }));
    await open(`/app/events/new?id=${EVENT_ID}&step=3`);
    await act(() => button(t.savePlan).click());
    await settle();
    const end = input("plan-end");
    expect(end.getAttribute("aria-invalid")).toBe("true");
    expect(describedText(end)).toContain(t.fieldErrors.endDate);
  });
});

describe("step 4: posters", () => {
  it("previews every poster at its size and selects one", async () => {
    const imgs = ["SIMPLE", "FANCY", "TRENDY"].flatMap((s, i) =>
      (["INSTAGRAM", "NAVER", "KAKAO"] as const).map((p, j) =>
        poster(`e${i}${j}11111-2222-4333-8444-555555555555`, { style: s as "SIMPLE", platform: p, width: p === "NAVER" ? 800 : p === "KAKAO" ? 800 : 1080, height: p === "NAVER" ? 600 : p === "KAKAO" ? 800 : 1080 }),
      ),
    );
    on(`GET ${ev}`, json(200, chosen({ images: imgs })));
    on(`PUT ${ev}/images/${imgs[4]!.imageId}/select`, json(200, chosen({ images: imgs, selectedImageId: imgs[4]!.imageId })));
    await open(`/app/events/new?id=${EVENT_ID}`);
    expect(heading().textContent).toContain(t.postersTitle);
    const shown = root.querySelectorAll("img");
    expect(shown.length).toBe(9);
    expect(shown[1]!.getAttribute("width")).toBe("800");
    expect(shown[1]!.getAttribute("height")).toBe("600");
    const pick = [...root.querySelectorAll("button")].filter((b) => b.textContent === t.pickPoster)[4]!;
    await act(() => {
      pick.click();
      pick.click();
    });
    await settle();
    expect(count("PUT", "/select")).toBe(1);
    expect(location.search).toBe(`?id=${EVENT_ID}&step=5`);
  });
});

describe("focus around a job", () => {
  it("the job's panel takes the focus from the button it replaced, the grid's heading when the posters are in", async () => {
    const img = poster("e1111111-2222-4333-8444-555555555555");
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    on(`GET ${ev}`, json(200, chosen()));
    on(`POST ${ev}/images`, json(202, { jobId: JOB, status: "PENDING" }));
    on(`GET /api/v1/jobs/${JOB}`, async () => {
      await done;
      return json(200, { jobId: JOB, eventId: EVENT_ID, jobType: "IMAGE_GENERATION", status: "COMPLETED", progress: 100, createdAt: "", updatedAt: "" });
    });
    on(`GET ${ev}/images`, json(200, [img]));
    await open(`/app/events/new?id=${EVENT_ID}`);
    expect(heading().textContent).toContain(t.postersTitle);
    const make = button(t.makePosters);
    make.focus();
    await act(() => make.click());
    await settle();
    expect(location.search).toBe(`?id=${EVENT_ID}&step=4&job=${JOB}`);
    expect(document.activeElement).toBe(root.querySelector(".funnel-job"));
    finish();
    await settle(10);
    expect(location.search).toBe(`?id=${EVENT_ID}&step=4`);
    expect(document.activeElement).toBe(document.getElementById("posters-grid"));
  });

  it("a job found in the URL on a reload does not take the focus", async () => {
    on(`GET ${ev}`, json(200, chosen()));
    on(`GET /api/v1/jobs/${JOB}`, json(200, { jobId: JOB, eventId: EVENT_ID, jobType: "IMAGE_GENERATION", status: "PROCESSING", progress: 30, createdAt: "", updatedAt: "" }));
    await open(`/app/events/new?id=${EVENT_ID}&step=4&job=${JOB}`);
    expect(root.querySelector(".funnel-job")).not.toBeNull();
    expect(document.activeElement).toBe(document.body);
  });
});

describe("step 6: channels", () => {
  it("sends each channel's settings and shows the API's field errors beside the matching fields", async () => {
    on(`GET ${ev}`, json(200, withPoster()));
    on(`PUT ${ev}/channels`, problem(400, "VALIDATION_001", {
      errors: [
        { field: "settings.RINGOBIZ.phoneNumber", message: "the store's phone number (for the ringback message) is required" },
        { field: "settings.KAKAO.scheduledTime", message: "must not be in the past" },
      ],
    }));
    await open(`/app/events/new?id=${EVENT_ID}`);
    expect(heading().textContent).toContain(t.channelsTitle);
    await act(() => input("ch-RINGOBIZ").click());
    await act(() => input("ch-URIDONGNETV").click());
    await act(() => input("ch-KAKAO").click());
    await type(input("ringo-phone"), "02-123-4567");
    await type(input("KAKAO-when"), "2099-12-05T18:30");
    await act(() => button(t.saveChannels).click());
    await settle();
    const body = calls.find((c) => c.method === "PUT")!.body;
    expect(body).toEqual({
      channels: ["URIDONGNETV", "RINGOBIZ", "KAKAO"],
      settings: {
        URIDONGNETV: { radius: "1km", timeSlot: "ALL_DAY" },
        RINGOBIZ: { phoneNumber: "02-123-4567" },
        KAKAO: { scheduledTime: "2099-12-05T18:30:00+09:00" },
      },
    });
    const phone = input("ringo-phone");
    expect(phone.getAttribute("aria-invalid")).toBe("true");
    expect(describedText(phone)).toContain(t.fieldErrors["RINGOBIZ.phoneNumber"]);
    expect(describedText(input("KAKAO-when"))).toContain(t.fieldErrors.scheduledTime);
    expect(phone.value).toBe("02-123-4567");
  });

  it("links RINGOBIZ only to the store's verified line: 인증번호 받기, 인증번호, 확인, then saves", async () => {
    on(`GET ${ev}`, json(200, withPoster()));
    on("GET /api/v1/users/profile", json(200, { store: { verifiedPhoneNumber: null } }));
    on("POST /api/v1/users/store/phone-verifications", json(202, { expiresInSeconds: 180, resendAfterSeconds: 60 }));
    on("POST /api/v1/users/store/phone-verifications/confirm", json(200, { storeId: "s1", verifiedPhoneNumber: "01055551234" }));
    on(`PUT ${ev}/channels`, json(200, withPoster()));
    await open(`/app/events/new?id=${EVENT_ID}&step=6`);
    await act(() => input("ch-RINGOBIZ").click());
    await type(input("ringo-phone"), "010-5555-1234");
    await act(() => button(t.saveChannels).click());
    await settle();
    expect(describedText(input("ringo-phone"))).toContain(t.ringoVerify.needed);
    expect(count("PUT", "/channels")).toBe(0);
    await act(() => button(t.ringoVerify.send).click());
    await settle();
    expect(calls.find((c) => c.path.endsWith("/phone-verifications"))!.body).toEqual({ phoneNumber: "010-5555-1234" });
    expect(root.textContent).toContain(t.ringoVerify.sent);
    await type(input("ringo-code"), "123456");
    await act(() => button(t.ringoVerify.confirm).click());
    await settle();
    expect(calls.find((c) => c.path.endsWith("/confirm"))!.body).toEqual({ phoneNumber: "010-5555-1234", code: "123456" });
    expect(root.textContent).toContain(t.ringoVerify.verified("010-5555-1234"));
    await act(() => button(t.saveChannels).click());
    await settle();
    expect(count("PUT", "/channels")).toBe(1);
  });

  it("checks locally before sending", async () => {
    on(`GET ${ev}`, json(200, withPoster()));
    await open(`/app/events/new?id=${EVENT_ID}&step=6`);
    await act(() => button(t.saveChannels).click());
    expect(root.textContent).toContain(t.chooseChannel);
    expect(count("PUT", "/channels")).toBe(0);
  });
});

describe("review and publish", () => {
  it("publishes once for a double click and shows EVENT_005's missing items", async () => {
    const ready = withPoster({ channels: ["KAKAO"], channelSettings: { KAKAO: {} } });
    on(`GET ${ev}`, json(200, ready), json(200, ready));
    let resolve!: (r: Response) => void;
    on(`POST ${ev}/publish`, () => new Promise<Response>((r) => (resolve = r)));
    await open(`/app/events/new?id=${EVENT_ID}`);
    expect(heading().textContent).toContain(t.reviewTitle);
    expect(root.textContent).toContain(t.ready);
    const b = button(t.publish);
    await act(() => {
      b.click();
      b.click();
    });
    resolve(problem(409, "EVENT_005", { detail: "the event is not ready to publish: [endDate (in the past) channels] missing", missing: ["endDate (in the past)", "channels"] }));
    await settle();
    expect(count("POST", "/publish")).toBe(1);
    expect(root.textContent).toContain(t.err.EVENT_005);
    const missing = [...root.querySelectorAll(".is-missing")].map((li) => li.textContent);
    expect(missing.some((m) => m!.includes(t.readinessItems.channels!))).toBe(true);
    expect(missing.some((m) => m!.includes(t.readinessItems["endDate (in the past)"]!))).toBe(true);
  });

  it("goes to the event's page once published", async () => {
    const ready = withPoster({ channels: ["NAVER"] });
    on(`GET ${ev}`, json(200, ready));
    on(`POST ${ev}/publish`, json(200, { ...ready, status: "PUBLISHED" }));
    await open(`/app/events/new?id=${EVENT_ID}&step=7`);
    await act(() => button(t.publish).click());
    await settle();
    expect(location.pathname).toBe(`/app/events/${EVENT_ID}`);
  });
});
