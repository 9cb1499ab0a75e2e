// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { draw as t, integrity as ti } from "../../i18n/console";
import { signIn, _reset } from "../session";
import type { Draw, Event, WinnerPage } from "../types";
import { DrawScreen, NOTICE_POLL_MS } from "./DrawScreen";

const ID = "11111111-1111-4111-8111-111111111111";
const ev = {
  eventId: ID, userId: "u1", storeId: "s1", objective: "NEW_CUSTOMERS", status: "ENDED", eventName: "연말 이벤트", description: null, prize: "커피",
  startDate: "2026-12-01", endDate: "2026-12-05", winnerCount: 2, budget: null, channels: ["INSTAGRAM"], channelSettings: {},
  selectedRecommendationId: null, selectedImageId: null, selectedImageUrl: null, recommendations: [], images: [], timeZone: "Asia/Seoul",
  createdAt: "2026-11-30T00:00:00Z", updatedAt: "2026-11-30T00:00:00Z",
} as unknown as Event;
const w = (rank: number, id: string, name: string) => ({ rank, participantId: id, name, phoneNumber: "010-****-0000", wonAt: "2026-12-06T01:00:00Z" });
const drawn: Draw = {
  drawId: 1, eventId: ID, algorithm: "RANDOM", totalParticipants: 10, winnerCount: 2,
  winners: [w(1, "20261201-000001", "김*수"), w(2, "20261201-000002", "이*희")],
  alternates: [{ rank: 1, participantId: "20261201-000003", name: "박*민", phoneNumber: "010-****-1111" }],
  proof: { entriesHash: "a".repeat(64), seedCommitment: "b".repeat(64), seed: "c".repeat(64), algorithmVersion: "ES-HMAC-SHA256/v1" },
  drawnAt: "2026-12-06T01:00:00Z",
};

const notSent = { status: "NOT_SENT", attempts: 0 } as const;
const listed = (x: Draw["winners"][number]): WinnerPage["content"][number] => ({ ...x, notification: notSent });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const problem = (status: number, code: string) => json(status, { type: "about:blank", title: "", status, code });
const page = (content: unknown[]) => ({ content, page: 0, size: 100, totalElements: content.length, totalPages: 1 });

type Handler = (method: string, url: string, body: unknown) => Response | Promise<Response>;
const fetchMock = vi.fn<typeof fetch>();
let handler: Handler;
let root: HTMLElement;

beforeEach(() => {
  _reset();
  signIn({ userId: "u1", storeId: "s1", accessToken: "at", refreshToken: "rt", expiresIn: 900 }, "사장님");
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (input, init) => {
    const url = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    return handler(init?.method ?? "GET", url, body);
  });
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
const calls = (method: string, part: string) => fetchMock.mock.calls.filter(([u, i]) => (i?.method ?? "GET") === method && String(u).includes(part));
const button = (text: string, scope: ParentNode = root) => [...scope.querySelectorAll("button")].find((b) => b.textContent === text)!;
const inDialog = (text: string) => button(text, root.querySelector("dialog")!);
const click = (el: HTMLElement) => act(() => el.click());

async function mount() {
  act(() => render(<DrawScreen id={ID} />, root));
  await settle();
}

describe("the draw", () => {
  it("shows the checklist, asks twice, and draws exactly once however often it is clicked", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    handler = async (method, url) => {
      if (method === "GET" && url.endsWith(`/events/${ID}`)) return json(200, ev);
      if (url.includes("/winners")) return problem(404, "PART_008");
      if (url.includes("storeVisited=true")) return json(200, { ...page([]), totalElements: 4 });
      if (url.includes("/participants")) return json(200, { ...page([]), totalElements: 10 });
      if (method === "POST" && url.endsWith("/draw-winners")) {
        await gate;
        return json(201, drawn);
      }
      throw new Error(`unexpected ${method} ${url}`);
    };
    await mount();
    expect(root.textContent).toContain(t.entriesValue(10));
    expect(root.textContent).toContain(t.visitedValue(4));
    expect(root.textContent).toContain(t.randomHelp);
    expect(root.textContent).toContain(t.weightedHelp);

    // Without the irreversible confirmation the button does nothing.
    await click(button(t.start));
    expect(root.querySelector("dialog")!.hasAttribute("open")).toBe(false);

    const agree = [...root.querySelectorAll<HTMLInputElement>("input[type=checkbox]")][0]!;
    await click(agree);
    await click(button(t.start));
    expect(root.querySelector("dialog")!.hasAttribute("open")).toBe(true);

    const go = button(t.confirm);
    await click(go);
    await click(go);
    await click(button(t.drawing) ?? go);
    await settle();
    expect(calls("POST", "/draw-winners")).toHaveLength(1);
    expect(JSON.parse(String(calls("POST", "/draw-winners")[0]![1]!.body))).toEqual({ winnerCount: 2, alternateCount: 3, applyStoreVisitBonus: false });

    release();
    await settle();
    expect(calls("POST", "/draw-winners")).toHaveLength(1);
    expect(root.textContent).toContain(t.done);
    expect(root.textContent).toContain("김*수");
    expect(root.textContent).toContain("박*민");
    expect(root.querySelector<HTMLAnchorElement>(`a[href="/e/${ID}/result"]`)).not.toBeNull();
    expect(root.querySelector<HTMLAnchorElement>(`a[href="/api/v1/public/events/${ID}/draw-proof"]`)).not.toBeNull();
    expect(button(t.start)).toBeUndefined();
  });

  it("shows the existing draw when the server says it was already drawn (PART_006)", async () => {
    let drawnYet = false;
    handler = async (method, url) => {
      if (method === "GET" && url.endsWith(`/events/${ID}`)) return json(200, ev);
      if (url.includes("/winners")) return drawnYet ? json(200, page(drawn.winners)) : problem(404, "PART_008");
      if (url.includes("/draw-proof")) return problem(404, "PART_008");
      if (url.includes("/participants")) return json(200, { ...page([]), totalElements: 10 });
      if (method === "POST" && url.endsWith("/draw-winners")) {
        drawnYet = true;
        return problem(409, "PART_006");
      }
      throw new Error(`unexpected ${method} ${url}`);
    };
    await mount();
    await click(root.querySelector<HTMLInputElement>("input[type=checkbox]")!);
    await click(button(t.start));
    await click(button(t.confirm));
    await settle();
    expect(root.textContent).toContain(t.already);
    expect(root.textContent).toContain("이*희");
  });

  it("explains PART_007 beside the form and keeps the numbers typed", async () => {
    handler = async (method, url) => {
      if (method === "GET" && url.endsWith(`/events/${ID}`)) return json(200, ev);
      if (url.includes("/winners")) return problem(404, "PART_008");
      if (url.includes("/participants")) return json(200, { ...page([]), totalElements: 10 });
      if (method === "POST") return problem(400, "PART_007");
      throw new Error(`unexpected ${method} ${url}`);
    };
    await mount();
    await click(root.querySelector<HTMLInputElement>("input[type=checkbox]")!);
    await click(button(t.start));
    await click(button(t.confirm));
    await settle();
    expect(root.querySelector("[role=alert]")!.textContent).toContain(t.tooFewNow(2));
    expect(root.querySelector<HTMLInputElement>("#draw-winners")!.value).toBe("2");
  });

  it("disqualifies a winner with a category and a reason and shows the alternate who took the rank", async () => {
    let winners: WinnerPage["content"] = drawn.winners.map(listed);
    handler = async (method, url, body) => {
      if (method === "GET" && url.endsWith(`/events/${ID}`)) return json(200, ev);
      if (method === "GET" && url.includes("/winners")) return json(200, page(winners));
      if (url.includes("/draw-proof"))
        return json(200, {
          eventId: ID, algorithm: "WEIGHTED", algorithmVersion: "ES-HMAC-SHA256/v1", seed: "c".repeat(64), seedCommitment: "b".repeat(64),
          entriesHash: "a".repeat(64), totalEntries: 10, winnerCount: 2, alternateCount: 2,
          winners: [{ participantId: "20261201-000001", weight: 1 }, { participantId: "20261201-000002", weight: 3 }],
          alternates: [{ participantId: "20261201-000003", weight: 1 }, { participantId: "20261201-000004", weight: 1 }],
          substitutions: [], drawnAt: "2026-12-06T01:00:00Z", entries: [],
        });
      if (method === "POST" && url.includes("/disqualify")) {
        expect(url).toContain("/winners/20261201-000001/disqualify");
        expect(body).toEqual({ category: "UNREACHABLE", reason: "3일 동안 전화 안 받음" });
        winners = [listed(w(1, "20261201-000003", "박*민")), listed(drawn.winners[1]!)];
        return json(200, { replacedBy: { participantId: "20261201-000003", weight: 1 } });
      }
      throw new Error(`unexpected ${method} ${url}`);
    };
    await mount();
    expect(root.textContent).toContain(t.algorithms.WEIGHTED);
    expect(root.textContent).toContain("20261201-000004");
    expect(root.textContent).toContain(t.alternatesById);

    await click(root.querySelector<HTMLButtonElement>(`button[aria-label="${t.disqualifyLabel("김*수", 1)}"]`)!);
    const dialog = root.querySelector("dialog")!;
    expect(dialog.hasAttribute("open")).toBe(true);
    // No category and no reason, no call.
    await click(inDialog(t.disqualifyConfirm));
    expect(dialog.textContent).toContain(t.reasonRequired);
    expect(dialog.textContent).toContain(ti.categoryRequired);
    expect(calls("POST", "/disqualify")).toHaveLength(0);

    const category = root.querySelector<HTMLSelectElement>("#dq-category")!;
    expect([...category.options].map((o) => o.textContent)).toEqual([ti.choose, "중복 응모", "참여 자격 없음", "연락 두절", "당첨 포기", "부정 참여", "기타"]);
    const reason = root.querySelector<HTMLTextAreaElement>("#dq-reason")!;
    act(() => {
      reason.value = "  3일 동안 전화 안 받음 ";
      reason.dispatchEvent(new Event("input", { bubbles: true }));
    });
    // A reason without a category is still refused.
    await click(inDialog(t.disqualifyConfirm));
    expect(calls("POST", "/disqualify")).toHaveLength(0);
    act(() => {
      category.value = "UNREACHABLE";
      category.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await click(inDialog(t.disqualifyConfirm));
    await click(inDialog(t.disqualifyConfirm) ?? inDialog(t.disqualifying));
    await settle();
    expect(calls("POST", "/disqualify")).toHaveLength(1);
    expect(root.textContent).toContain(t.replaced(1, "20261201-000003"));
    const list = root.querySelector(`ol[aria-label="${t.winners}"]`)!;
    expect(list.textContent).toContain("박*민");
    expect(list.textContent).not.toContain("김*수");
    expect(list.textContent).toContain(t.substitute);
    const alts = root.querySelector(`ol[aria-label="${t.alternates}"]`)!;
    expect(alts.textContent).not.toContain("20261201-000003");
    expect(alts.textContent).toContain("20261201-000004");
  });

  it("says so when no alternate is left (PART_011), in the dialog", async () => {
    handler = async (method, url) => {
      if (method === "GET" && url.endsWith(`/events/${ID}`)) return json(200, ev);
      if (method === "GET" && url.includes("/winners")) return json(200, page(drawn.winners));
      if (url.includes("/draw-proof")) return problem(500, "SERVER_500");
      if (method === "POST" && url.includes("/disqualify")) return problem(409, "PART_011");
      throw new Error(`unexpected ${method} ${url}`);
    };
    await mount();
    await click(root.querySelector<HTMLButtonElement>(`button[aria-label="${t.disqualifyLabel("이*희", 2)}"]`)!);
    const reason = root.querySelector<HTMLTextAreaElement>("#dq-reason")!;
    const category = root.querySelector<HTMLSelectElement>("#dq-category")!;
    act(() => {
      reason.value = "중복";
      reason.dispatchEvent(new Event("input", { bubbles: true }));
      category.value = "DUPLICATE_ENTRY";
      category.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await click(inDialog(t.disqualifyConfirm));
    await settle();
    expect(root.querySelector("dialog [role=alert]")!.textContent).toContain("남은 예비 당첨자가 없어요");
    expect(root.querySelector("dialog")!.hasAttribute("open")).toBe(true);
  });
});

describe("telling the winners", () => {
  const proof404 = (url: string) => url.includes("/draw-proof");
  const notice = (status: "NOT_SENT" | "QUEUED" | "SENT" | "FAILED", extra: Record<string, unknown> = {}) => ({ status, attempts: 0, ...extra });

  it("asks first, queues once however often it is clicked, shows 보내는 중 and refreshes until 보냄", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let state: "before" | "queued" | "sent" = "before";
    handler = async (method, url) => {
      if (method === "GET" && url.endsWith(`/events/${ID}`)) return json(200, ev);
      if (proof404(url)) return problem(404, "PART_008");
      if (method === "POST" && url.endsWith("/winners/notify")) {
        await gate;
        state = "queued";
        return json(202, { queued: 2 });
      }
      if (method === "GET" && url.includes("/winners")) {
        const n =
          state === "before" ? notice("NOT_SENT") : state === "queued" ? notice("QUEUED", { attempts: 0, updatedAt: "2026-12-06T02:00:00Z" }) : null;
        if (state === "queued") state = "sent"; // the next read finds them sent
        return json(200, page(drawn.winners.map((x, i) => ({
          ...x,
          notification: n ?? notice("SENT", { channel: i === 0 ? "ALIMTALK" : "SMS", attempts: 1, updatedAt: "2026-12-06T02:00:05Z" }),
        }))));
      }
      throw new Error(`unexpected ${method} ${url}`);
    };
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      await mount();
      const list = () => root.querySelector(`ol[aria-label="${t.winners}"]`)!.textContent!;
      expect(list()).toContain(`${t.noticeLabel}: ${t.noticeNotSent}`);
      await click(button(t.notify));
      const dialogs = [...root.querySelectorAll("dialog")];
      const ask = dialogs.find((d) => d.textContent!.includes(t.notifyTitle))!;
      expect(ask.hasAttribute("open")).toBe(true);
      expect(ask.textContent).toContain(t.notifyBody(2));
      expect(ask.textContent).toContain(t.notifyWhat);
      expect(ask.textContent).toContain(t.notifyOnce);
      const go = button(t.notifyConfirm, ask);
      await click(go);
      await click(go);
      await click(go);
      await settle();
      expect(calls("POST", "/winners/notify")).toHaveLength(1);
      expect(calls("POST", "/winners/notify")[0]![1]!.body).toBeUndefined();
      release();
      await settle();
      expect(calls("POST", "/winners/notify")).toHaveLength(1);
      expect(root.textContent).toContain(t.notifyQueued(2));
      expect(list()).toContain(`${t.noticeLabel}: ${t.noticeQueued}`);
      expect(button(t.notify).getAttribute("aria-disabled")).toBe("true");
      // While any is on its way the screen reads the list again.
      await act(async () => {
        await vi.advanceTimersByTimeAsync(NOTICE_POLL_MS + 10);
      });
      await settle();
      expect(list()).toContain(t.noticeSentAlimTalk);
      expect(list()).toContain(t.noticeSentSms);
      const reads = calls("GET", "/winners").length;
      await act(async () => {
        await vi.advanceTimersByTimeAsync(NOTICE_POLL_MS * 3);
      });
      expect(calls("GET", "/winners")).toHaveLength(reads); // nothing queued: no more polling
      expect(root.textContent).toContain(t.allNotified);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows a failure in Korean and sends that winner again with 다시 보내기", async () => {
    let resent = false;
    handler = async (method, url, body) => {
      if (method === "GET" && url.endsWith(`/events/${ID}`)) return json(200, ev);
      if (proof404(url)) return problem(404, "PART_008");
      if (method === "POST" && url.endsWith("/winners/notify")) {
        expect(body).toEqual({ participantIds: ["20261201-000002"] });
        resent = true;
        return json(202, { queued: 1 });
      }
      if (method === "GET" && url.includes("/winners"))
        return json(200, page([
          { ...drawn.winners[0]!, notification: notice("SENT", { channel: "ALIMTALK", attempts: 1 }) },
          {
            ...drawn.winners[1]!,
            notification: resent
              ? notice("SENT", { channel: "ALIMTALK", attempts: 2 })
              : notice("FAILED", { attempts: 1, error: "messaging ALIMTALK permanent failure resultCode -2001: the recipient was refused" }),
          },
        ]));
      throw new Error(`unexpected ${method} ${url}`);
    };
    await mount();
    const list = () => root.querySelector(`ol[aria-label="${t.winners}"]`)!.textContent!;
    expect(list()).toContain(t.noticeFailed(t.failReasons.refused));
    expect(button(t.notify).getAttribute("aria-disabled")).toBe("true"); // nobody left who was never told
    const again = root.querySelector<HTMLButtonElement>(`button[aria-label="${t.resendLabel("이*희", 2)}"]`)!;
    expect(again.textContent).toBe(t.resend);
    expect(root.querySelector(`button[aria-label="${t.resendLabel("김*수", 1)}"]`)).toBeNull();
    await click(again);
    await settle();
    expect(calls("POST", "/winners/notify")).toHaveLength(1);
    expect(root.textContent).toContain(t.resent(2));
    expect(list()).not.toContain(t.resend);
    expect(list()).toContain(t.noticeSentAlimTalk);
  });
});
