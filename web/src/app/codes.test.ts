// Every error code docs/openapi.yaml lists for an operation the console
// calls has a Korean message of its own (not the generic fallback), by the
// screen that shows it: the funnel's words for the funnel, the console's
// for the rest. The public pages' operations are not the console's.
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { errors } from "../i18n/console";
import { funnelMessage } from "./funnel/common";
import { messageOf } from "./ui";
import { codesOf, operations } from "./testing/openapi";

const SCREENS: Record<string, { ops: string[]; message: (e: unknown) => string }> = {
  "sign-in, register, profile, session": {
    ops: ["UserLogin", "UserRegister", "UserRefresh", "UserLogout", "UserProfileGet", "UserProfileUpdate", "UserPasswordChange"],
    message: messageOf,
  },
  "dashboard, events": { ops: ["UserAnalytics", "EventList"], message: messageOf },
  funnel: {
    ops: ["EventCreate", "EventGet", "RecommendationRequest", "RecommendationSelect", "ImageRequest", "ImageList", "ImageSelect", "ImageEdit", "ChannelSelect", "EventUpdate", "EventPublish", "JobGet",
      "StorePhoneVerificationStart", "StorePhoneVerificationConfirm"],
    message: funnelMessage,
  },
  "event, participants, draw": {
    ops: ["EventGet", "EventEnd", "VisitCodeGet", "DistributionStatusGet", "DistributionRetry", "ParticipantList", "ParticipantExport", "DrawProofLink", "WinnerDraw", "WinnerList", "WinnerDisqualify", "WinnerNotifyRequest"],
    message: messageOf,
  },
  analytics: {
    ops: ["AnalyticsDashboard", "AnalyticsChannels", "AnalyticsRoi", "AnalyticsTimeline", "UserAnalyticsChannels", "UserAnalyticsRoi", "UserAnalyticsTimeline"],
    message: messageOf,
  },
};

const cases = Object.entries(SCREENS).flatMap(([screen, s]) => s.ops.map((op) => [screen, op, s.message] as const));

describe("error codes of the console's operations", () => {
  it.each(cases)("%s: %s: every listed code has its own message", (_screen, op, message) => {
    const codes = codesOf(op);
    expect(codes.length).toBeGreaterThan(0);
    const missing = codes.filter((code) => message(new ApiError(400, code, "")) === errors.unknown);
    expect(missing, `${op}`).toEqual([]);
  });

  it("covers every operation the console can call", () => {
    const publicOnly = ["Health", "EventPublicGet", "EventViewRecord", "ParticipationSubmit", "DrawProofGet", "EventResultsGet",
      "PhoneVerificationStart", "PhoneVerificationConfirm"];
    const listed = new Set(cases.map(([, op]) => op));
    // Documented but not called by any screen: the store (the profile carries it), one participant, delete a draft.
    const unused = ["UserStoreGet", "ParticipantGet", "EventDelete"];
    const left = operations().filter((op) => !listed.has(op) && !publicOnly.includes(op) && !unused.includes(op));
    expect(left).toEqual([]);
  });

  it("finds the codes the document names", () => {
    expect(codesOf("EventPublish")).toEqual(expect.arrayContaining(["EVENT_004", "EVENT_005", "EVENT_001", "EVENT_003", "AUTH_002", "SERVER_500"]));
    expect(codesOf("ImageRequest")).toEqual(expect.arrayContaining(["CONTENT_001", "VALIDATION_001", "REQUEST_413"]));
    expect(codesOf("JobGet")).toContain("JOB_001");
    expect(codesOf("RecommendationSelect")).toContain("EVENT_006");
    expect(codesOf("WinnerDraw")).toContain("PART_006");
  });
});
