import { describe, expect, it } from "vitest";
import { draw as t } from "../../i18n/console";
import type { Drawn, Ranked } from "./draw";
import { anyQueued, failKind, noticeText, unnotified, withNotices } from "./notices";

const r = (id: string, notification?: Ranked["notification"]): Ranked => ({ rank: 1, participantId: id, ...(notification ? { notification } : {}) });
const drawn = (winners: Ranked[]): Drawn => ({ algorithm: "RANDOM", drawnAt: "", total: 0, winners, alternates: [], alternatesById: false });

describe("winner notices", () => {
  it("words each state in Korean", () => {
    expect(noticeText(r("a"), t)).toBe(t.noticeNotSent);
    expect(noticeText(r("a", { status: "QUEUED", attempts: 1 }), t)).toBe("보내는 중");
    expect(noticeText(r("a", { status: "SENT", channel: "ALIMTALK", attempts: 1 }), t)).toBe("보냄 (알림톡)");
    expect(noticeText(r("a", { status: "SENT", channel: "SMS", attempts: 2 }), t)).toBe("보냄 (문자)");
    expect(noticeText(r("a", { status: "FAILED", attempts: 5, error: "gave up after 5 attempts: messaging ALIMTALK retryable failure (HTTP 500)" }), t)).toBe(
      `실패: ${t.failReasons.exhausted}`,
    );
  });

  it("classifies the server's reasons", () => {
    expect(failKind("not a current winner: nothing was sent")).toBe("notWinner");
    expect(failKind("outcome unknown: the delivery stopped while sending")).toBe("unknown");
    expect(failKind("messaging SMS permanent failure: not configured: set MESSAGING_SMS_SEND_NO")).toBe("setup");
    expect(failKind("messaging ALIMTALK permanent failure resultCode -2001: the recipient was refused")).toBe("refused");
    expect(failKind(undefined)).toBe("other");
  });

  it("knows who a request reaches and when to keep refreshing", () => {
    const d = drawn([r("a"), r("b", { status: "QUEUED", attempts: 0 }), r("c", { status: "FAILED", attempts: 1 })]);
    expect(unnotified(d).map((w) => w.participantId)).toEqual(["a"]);
    expect(anyQueued(d)).toBe(true);
    const later = withNotices(d, [{ rank: 2, participantId: "b", name: "", phoneNumber: "", notification: { status: "SENT", channel: "SMS", attempts: 1 } }]);
    expect(anyQueued(later)).toBe(false);
    expect(later.winners[0]).toBe(d.winners[0]);
  });
});
