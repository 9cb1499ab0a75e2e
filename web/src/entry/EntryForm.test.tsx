// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import type { EventPublic, Receipt } from "../api/types";
import { form as t } from "../i18n/ko";
import { EntryForm } from "./EntryForm";

const ev: EventPublic = {
  eventId: "e1", eventName: "연말 이벤트", description: "", prize: "커피", startDate: "2026-12-01", endDate: "2026-12-05",
  status: "PUBLISHED", imageUrl: "", poster: null, storeName: "민수네 카페", drawCommitment: "ab".repeat(32), timeZone: "Asia/Seoul",
  eligibility: "누구나", announcementDate: "2026-12-06", winnerCount: 3, retentionDays: 30, drawnAt: null, verifyPhone: false,
};
const receipt: Receipt = { participantId: "20261201-000001", eventId: "e1", bonusEntries: 3, participatedAt: "2026-12-01T00:00:00Z" };

let root: HTMLElement;
let calls: { onDone: unknown[]; onAlready: number; onClosed: string[] };
const fetchMock = vi.fn<typeof fetch>();

function mount(source: "STORE_QR" | "INSTAGRAM" = "STORE_QR", linkCode = "") {
  calls = { onDone: [], onAlready: 0, onClosed: [] };
  act(() => {
    render(
      <EntryForm ev={ev} source={source} linkCode={linkCode} onDone={(r) => calls.onDone.push(r)} onAlready={() => calls.onAlready++} onClosed={(m) => calls.onClosed.push(m)} />,
      root,
    );
  });
}
const byLabel = (text: string) => {
  const label = [...root.querySelectorAll("label")].find((l) => l.textContent!.startsWith(text))!;
  return root.querySelector<HTMLInputElement>(`#${label.htmlFor}`)!;
};
const type = (input: HTMLInputElement, value: string) =>
  act(() => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
const check = (input: HTMLInputElement) =>
  act(() => {
    input.click();
  });
async function submit() {
  await act(async () => {
    root.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}
function fill() {
  type(byLabel("이름"), "홍길동");
  type(byLabel("휴대폰 번호"), "01012345678");
  check(byLabel("[필수] 개인정보 수집·이용 동의"));
}
const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: "about:blank", title: "", status, code }), { status, headers: { "Content-Type": "application/problem+json", ...headers } });

beforeEach(() => {
  root = document.createElement("div");
  document.body.append(root);
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the entry form", () => {
  it("has the exact labels, the phone field's keyboard and autofill hints, and consent unchecked", () => {
    mount();
    for (const l of ["이름", "휴대폰 번호", "이메일 (선택)", "매장 방문 코드 (선택)", "[필수] 개인정보 수집·이용 동의", "[선택] 마케팅 정보 수신 동의"]) expect(byLabel(l)).toBeTruthy();
    const code = byLabel("매장 방문 코드 (선택)");
    expect(code.getAttribute("inputmode")).toBe("numeric");
    expect(code.getAttribute("maxlength")).toBe("6");
    expect(code.value).toBe("");
    // no self-declared visit: nothing to tick
    expect(root.querySelectorAll("input[type=checkbox]").length).toBe(2);
    const phone = byLabel("휴대폰 번호");
    expect(phone.getAttribute("inputmode")).toBe("numeric");
    expect(phone.getAttribute("autocomplete")).toBe("tel");
    expect(byLabel("[필수] 개인정보 수집·이용 동의").checked).toBe(false);
    expect(byLabel("[선택] 마케팅 정보 수신 동의").checked).toBe(false);
    expect(root.querySelector("button[type=submit]")!.textContent).toBe("응모하기");
    // the notices the consents refer to: the controller, and the retention date computed from the API
    const notice = root.querySelector("#privacy-notice")!.textContent!;
    expect(notice).toContain("민수네 카페");
    expect(notice).toContain("2027년 1월 4일 (월)");
    expect(byLabel("[필수] 개인정보 수집·이용 동의").getAttribute("aria-describedby")).toContain("privacy-notice");
  });

  it("adds hyphens to the phone number as it is typed", () => {
    mount();
    type(byLabel("휴대폰 번호"), "0101234");
    expect(byLabel("휴대폰 번호").value).toBe("010-1234");
    type(byLabel("휴대폰 번호"), "010-12345678");
    expect(byLabel("휴대폰 번호").value).toBe("010-1234-5678");
  });

  it("marks every invalid field, links its message and focuses the first", async () => {
    mount();
    await submit();
    expect(fetchMock).not.toHaveBeenCalled();
    for (const [label, message] of [["이름", t.nameRequired], ["휴대폰 번호", t.phoneRequired], ["[필수] 개인정보 수집·이용 동의", t.privacyRequired]] as const) {
      const input = byLabel(label);
      expect(input.getAttribute("aria-invalid")).toBe("true");
      const ids = input.getAttribute("aria-describedby")!.split(" ");
      expect(ids.map((id) => root.querySelector(`#${id}`)?.textContent)).toContain(message);
    }
    expect(byLabel("이메일 (선택)").hasAttribute("aria-invalid")).toBe(false);
    expect(document.activeElement).toBe(byLabel("이름"));
    type(byLabel("이름"), "홍길동");
    expect(byLabel("이름").hasAttribute("aria-invalid")).toBe(false);
  });

  it("sends the store QR link's visit code, shown as a confirmed visit", async () => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify(receipt), { status: 201, headers: { "Content-Type": "application/json" } }));
    mount("STORE_QR", "042137");
    expect(root.querySelector("[role=status].card")!.textContent).toContain(t.visitConfirmed);
    expect(root.querySelector("#visit-code")).toBeNull();
    fill();
    await submit();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe("/api/v1/events/e1/participate");
    const body = JSON.parse(init!.body as string);
    expect(body).toMatchObject({ name: "홍길동", phoneNumber: "01012345678", agreePrivacy: true, agreeMarketing: false, visitCode: "042137", source: "STORE_QR" });
    expect(body).not.toHaveProperty("storeVisited");
    expect(calls.onDone).toEqual([receipt]);
  });

  it("sends a typed visit code, digits only; a store QR link without one claims nothing", async () => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify(receipt), { status: 201 }));
    mount("STORE_QR");
    fill();
    await submit();
    expect(JSON.parse(fetchMock.mock.calls[0]![1]!.body as string)).not.toHaveProperty("visitCode");
    act(() => render(null, root));
    mount("INSTAGRAM");
    fill();
    type(byLabel("매장 방문 코드 (선택)"), "04-21 37");
    expect(byLabel("매장 방문 코드 (선택)").value).toBe("042137");
    await submit();
    expect(JSON.parse(fetchMock.mock.calls[1]![1]!.body as string)).toMatchObject({ visitCode: "042137", source: "INSTAGRAM" });
  });

  it("refuses a short code before sending", async () => {
    mount("INSTAGRAM");
    fill();
    type(byLabel("매장 방문 코드 (선택)"), "1234");
    await submit();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(byLabel("매장 방문 코드 (선택)").getAttribute("aria-invalid")).toBe("true");
    expect(root.querySelector("#visit-code-error")!.textContent).toBe(t.visitCodeFormat);
    expect(document.activeElement).toBe(byLabel("매장 방문 코드 (선택)"));
  });

  it("shows PART_010 beside the code field, and enters without the bonus keeping what was typed", async () => {
    fetchMock.mockResolvedValueOnce(problem(400, "PART_010"));
    mount("STORE_QR", "111111"); // yesterday's QR code
    fill();
    type(byLabel("이메일 (선택)"), "hong@example.com");
    await submit();
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    const code = byLabel("매장 방문 코드 (선택)");
    expect(code.value).toBe("111111");
    expect(code.getAttribute("aria-invalid")).toBe("true");
    expect(code.getAttribute("aria-describedby")).toContain("visit-code-error");
    expect(root.querySelector("#visit-code-error")!.textContent).toBe(t.visitCodeWrong);
    expect(document.activeElement).toBe(code);
    expect(calls.onDone).toEqual([]);
    expect(byLabel("이름").value).toBe("홍길동");
    const without = [...root.querySelectorAll("button")].find((b) => b.textContent === t.withoutVisit)!;
    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify({ ...receipt, bonusEntries: 1 }), { status: 201 }));
    await act(async () => {
      without.click();
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    const second = JSON.parse(fetchMock.mock.calls[1]![1]!.body as string);
    expect(second).toMatchObject({ name: "홍길동", phoneNumber: "01012345678", email: "hong@example.com", source: "STORE_QR" });
    expect(second).not.toHaveProperty("visitCode");
    expect(calls.onDone).toEqual([{ ...receipt, bonusEntries: 1 }]);
  });

  it("lets the customer correct a refused code and send again", async () => {
    fetchMock.mockResolvedValueOnce(problem(400, "PART_010"));
    mount("INSTAGRAM");
    fill();
    type(byLabel("매장 방문 코드 (선택)"), "111111");
    await submit();
    expect(root.querySelector("#visit-code-error")!.textContent).toBe(t.visitCodeWrong);
    type(byLabel("매장 방문 코드 (선택)"), "042137");
    expect(root.querySelector("#visit-code-error")).toBeNull();
    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify(receipt), { status: 201 }));
    await submit();
    expect(JSON.parse(fetchMock.mock.calls[1]![1]!.body as string)).toMatchObject({ visitCode: "042137" });
    expect(calls.onDone).toEqual([receipt]);
  });

  it("takes PART_001 as already entered and PART_005 as closed", async () => {
    fetchMock.mockResolvedValueOnce(problem(409, "PART_001"));
    mount();
    fill();
    await submit();
    expect(calls.onAlready).toBe(1);
    fetchMock.mockResolvedValueOnce(problem(400, "PART_005"));
    await submit();
    expect(calls.onClosed).toEqual([t.closed]);
  });

  it("keeps the values after a network failure, and the retry sends the same entry", async () => {
    fetchMock.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    mount("INSTAGRAM");
    fill();
    await submit();
    expect(root.querySelector("[role=alert]")!.textContent).toBe(t.network);
    expect(byLabel("이름").value).toBe("홍길동");
    expect(byLabel("휴대폰 번호").value).toBe("010-1234-5678");
    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify(receipt), { status: 201 }));
    await submit();
    expect(fetchMock.mock.calls[1]![1]!.body).toBe(fetchMock.mock.calls[0]![1]!.body);
    expect(calls.onDone).toEqual([receipt]);
  });

  it("waits the Retry-After seconds of PART_009, then sends again by itself", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    fetchMock.mockResolvedValueOnce(problem(429, "PART_009", { "Retry-After": "3" }));
    fetchMock.mockResolvedValueOnce(new Response(JSON.stringify(receipt), { status: 201 }));
    const tap = async () => {
      await act(async () => {
        root.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      });
      await act(async () => {
        await vi.advanceTimersByTimeAsync(0);
      });
    };
    mount();
    fill();
    await tap();
    expect(root.querySelector("[role=alert]")!.textContent).toBe(t.rateLimited(3));
    await tap(); // a tap while waiting sends nothing
    expect(fetchMock).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3; i++)
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1000);
      });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(calls.onDone).toEqual([receipt]);
  });
});
