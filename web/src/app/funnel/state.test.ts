import { describe, expect, it } from "vitest";
import {
  canShow,
  channelFormOf,
  channelRequest,
  currentStep,
  deriveStep,
  emptyChannelForm,
  fieldErrorMap,
  funnelUrl,
  missingFromDetail,
  missingItems,
  readQuery,
  seoulInstant,
  seoulLocalInput,
  unplacedErrors,
} from "./state";
import { draft, plan, poster } from "./testdata";

const ID = "11111111-2222-4333-8444-555555555555";
const JOB = "99999999-2222-4333-8444-555555555555";

describe("deriveStep", () => {
  it("follows the draft's fields", () => {
    expect(deriveStep(null)).toBe(1);
    expect(deriveStep(draft())).toBe(2);
    const withPlans = draft({ recommendations: [plan("r1"), plan("r2"), plan("r3")] });
    expect(deriveStep(withPlans)).toBe(3);
    const chosen = { ...withPlans, selectedRecommendationId: "r2" };
    expect(deriveStep(chosen)).toBe(4);
    const posters = { ...chosen, images: [poster("i1")] };
    expect(deriveStep(posters)).toBe(4);
    const picked = { ...posters, selectedImageId: "i1" };
    expect(deriveStep(picked)).toBe(6);
    expect(deriveStep({ ...picked, channels: ["KAKAO"] })).toBe(7);
  });

  it("lets the URL show an earlier step (back, forward, the optional poster edit) but not a later one", () => {
    const chosen = draft({ recommendations: [plan("r1")], selectedRecommendationId: "r1" });
    expect(canShow(3, chosen)).toBe(true);
    expect(canShow(5, chosen)).toBe(false);
    expect(currentStep({ id: ID, step: 2, job: null }, chosen)).toBe(2);
    expect(currentStep({ id: ID, step: 6, job: null }, chosen)).toBe(4);
    expect(currentStep({ id: ID, step: null, job: null }, chosen)).toBe(4);
    const picked = { ...chosen, images: [poster("i1")], selectedImageId: "i1" };
    expect(currentStep({ id: ID, step: 5, job: null }, picked)).toBe(5);
    expect(currentStep({ id: null, step: 5, job: null }, picked)).toBe(1);
  });
});

describe("URL state", () => {
  it("round-trips id, step and job", () => {
    const url = funnelUrl({ id: ID, step: 4, job: JOB });
    expect(url).toBe(`/app/events/new?id=${ID}&step=4&job=${JOB}`);
    expect(readQuery(new URL(url, "http://x").searchParams)).toEqual({ id: ID, step: 4, job: JOB });
    expect(funnelUrl({})).toBe("/app/events/new");
    expect(funnelUrl({ step: 3 })).toBe("/app/events/new");
  });

  it("ignores what is not an id or a step", () => {
    expect(readQuery(new URLSearchParams("id=../x&step=9&job=1"))).toEqual({ id: null, step: null, job: null });
    expect(readQuery(new URLSearchParams("step=2.5")).step).toBe(null);
  });
});

describe("readiness", () => {
  it("lists what publishing needs, as the API does", () => {
    expect(missingItems(draft(), "2026-12-01")).toEqual(["eventName", "startDate", "endDate", "selectedRecommendation", "selectedImage", "channels"]);
    const ready = draft({
      eventName: "연말", startDate: "2026-12-01", endDate: "2026-12-10", selectedRecommendationId: "r", selectedImageId: "i", channels: ["NAVER"],
    });
    expect(missingItems(ready, "2026-12-01")).toEqual([]);
    expect(missingItems(ready, "2026-12-11")).toEqual(["endDate (in the past)"]);
  });

  it("reads EVENT_005's list back from its detail", () => {
    expect(missingFromDetail("the event is not ready to publish: [eventName endDate (in the past) channels] missing")).toEqual([
      "eventName",
      "endDate (in the past)",
      "channels",
    ]);
    expect(missingFromDetail("the event is not ready to publish: [endDate selectedImage] missing")).toEqual(["endDate", "selectedImage"]);
    expect(missingFromDetail("no list")).toEqual([]);
  });
});

describe("field errors", () => {
  it("puts settings.* errors on the channel inputs and keeps the first message per field", () => {
    const m = fieldErrorMap(
      [
        { field: "settings.RINGOBIZ.phoneNumber", message: "required" },
        { field: "settings.RINGOBIZ.phoneNumber", message: "second" },
        { field: "settings.INSTAGRAM.scheduledTime", message: "past" },
        { field: "channels", message: "x" },
        { field: "settings.GINITV", message: "malformed" },
      ],
      (f, msg) => `${f}:${msg}`,
      "settings.",
    );
    expect(m).toEqual({
      "RINGOBIZ.phoneNumber": "settings.RINGOBIZ.phoneNumber:required",
      "INSTAGRAM.scheduledTime": "settings.INSTAGRAM.scheduledTime:past",
      channels: "channels:x",
      GINITV: "settings.GINITV:malformed",
    });
    expect(unplacedErrors(m, ["RINGOBIZ.phoneNumber", "INSTAGRAM.scheduledTime", "channels"])).toEqual(["settings.GINITV:malformed"]);
  });
});

describe("channels body", () => {
  it("sends only the selected channels, in display order, each with its settings", () => {
    const f = emptyChannelForm();
    f.selected = ["KAKAO", "RINGOBIZ", "URIDONGNETV", "GINITV"];
    f.ringoPhone = " 02-123-4567 ";
    f.tvRadius = "2km";
    f.tvSlot = "EVENING";
    f.sns.KAKAO = { when: "2026-12-05T18:30", tags: "#동네카페, 이벤트  #연말" };
    f.sns.INSTAGRAM = { when: "2026-12-05T10:00", tags: "x" };
    expect(channelRequest(f)).toEqual({
      channels: ["URIDONGNETV", "RINGOBIZ", "GINITV", "KAKAO"],
      settings: {
        URIDONGNETV: { radius: "2km", timeSlot: "EVENING" },
        RINGOBIZ: { phoneNumber: "02-123-4567" },
        GINITV: { timeSlot: "ALL_DAY" },
        KAKAO: { scheduledTime: "2026-12-05T18:30:00+09:00", hashtags: ["동네카페", "이벤트", "연말"] },
      },
    });
  });

  it("fills the form back from the draft's normalised settings (Seoul wall time)", () => {
    const d = draft({
      channels: ["RINGOBIZ", "NAVER"],
      channelSettings: { RINGOBIZ: { phoneNumber: "021234567", message: "안내" }, NAVER: { scheduledTime: "2026-12-05T09:30:00Z", hashtags: ["a", "b"] } },
    });
    const f = channelFormOf(d);
    expect(f.selected).toEqual(["RINGOBIZ", "NAVER"]);
    expect(f.ringoPhone).toBe("021234567");
    expect(f.sns.NAVER).toEqual({ when: "2026-12-05T18:30", tags: "a b" });
    expect(seoulInstant(seoulLocalInput("2026-12-05T09:30:00Z"))).toBe("2026-12-05T18:30:00+09:00");
    expect(seoulInstant("")).toBe(null);
  });
});
