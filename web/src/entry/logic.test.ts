import { describe, expect, it } from "vitest";
import { ApiError, NETWORK, parseRetryAfter } from "../api/client";
import { form as t } from "../i18n/ko";
import { formatPhone, normalizePhone, phoneDigits, reformatPhone } from "../lib/phone";
import { channelOf, outcomeOf, sourceOf, submissionOf, validate, visitCodeInput, visitCodeOf, type Values } from "./logic";

const ev = { startDate: "2026-12-01", endDate: "2026-12-05" };
const ok: Values = { name: "김민수", phone: "010-1234-5678", email: "", agreePrivacy: true, agreeMarketing: false, visitCode: "" };

describe("phone numbers", () => {
  it.each([
    ["0", "0"],
    ["010", "010"],
    ["0101", "010-1"],
    ["0101234", "010-1234"],
    ["01012345", "010-1234-5"],
    ["0101234567", "010-1234-567"],
    ["01012345678", "010-1234-5678"],
    ["0111234567", "011-123-4567"],
    ["01112345678", "011-1234-5678"],
  ])("formats %s as %s", (digits, want) => expect(formatPhone(digits)).toBe(want));

  it("takes digits from anything typed or autofilled, at most 11", () => {
    expect(phoneDigits("010 1234 5678")).toBe("01012345678");
    expect(phoneDigits("+82 10-1234-5678")).toBe("01012345678");
    expect(phoneDigits("010123456789")).toBe("01012345678");
  });

  it("adds hyphens as typed and keeps the caret after the same digit", () => {
    expect(reformatPhone("010", "0101", 4, false)).toEqual({ value: "010-1", caret: 5 });
    expect(reformatPhone("010-1234", "010-12345", 9, false)).toEqual({ value: "010-1234-5", caret: 10 });
    // a digit typed in the middle
    expect(reformatPhone("010-1234-5678", "010-91234-5678", 5, false)).toEqual({ value: "010-9123-4567", caret: 5 });
    // a pasted number
    expect(reformatPhone("", "01012345678", 11, false)).toEqual({ value: "010-1234-5678", caret: 13 });
  });

  it("deletes the digit before a hyphen that was backspaced", () => {
    // "010-1234-5678", backspace right after the second hyphen removes it: "010-12345678", caret 8
    expect(reformatPhone("010-1234-5678", "010-12345678", 8, true)).toEqual({ value: "010-1235-678", caret: 7 });
    // a plain backspace at the end
    expect(reformatPhone("010-1234-5", "010-1234-", 9, true)).toEqual({ value: "010-1234", caret: 8 });
  });

  it.each([
    ["010-1234-5678", "01012345678"],
    ["01012345678", "01012345678"],
    ["+82 10 1234 5678", "01012345678"],
    ["011-123-4567", "0111234567"],
    ["(016) 123.4567", "0161234567"],
    ["010-123-4567", null], // 010 has eight more digits
    ["02-123-4567", null],
    ["012-1234-5678", null],
    ["+01012345678", null],
    ["010-1234-567a", null],
    ["010123456789", null],
  ])("normalizes %s to %s like shared/phone", (input, want) => expect(normalizePhone(input)).toBe(want));
});

describe("where the visitor came from", () => {
  it.each([
    ["?ch=INSTAGRAM", "INSTAGRAM"],
    ["?ch=instagram", "INSTAGRAM"],
    ["?ch=STORE_QR", "STORE_QR"],
    ["?ch=URIDONGNETV&x=1", "URIDONGNETV"],
    ["?ch=FACEBOOK", "DIRECT"],
    ["?ch=", "DIRECT"],
    ["", "DIRECT"],
  ])("%s → %s", (search, want) => expect(sourceOf(search)).toBe(want));

  it.each([
    ["?ch=STORE_QR&v=042137", "042137"],
    ["?v=%20042137%20&ch=STORE_QR", "042137"],
    ["?ch=STORE_QR&v=42137", ""],
    ["?ch=STORE_QR&v=0421370", ""],
    ["?ch=STORE_QR&v=04213a", ""],
    ["?ch=STORE_QR", ""],
    ["", ""],
  ])("reads the store visit code of %s as %j", (search, want) => expect(visitCodeOf(search)).toBe(want));

  it("never claims a store visit: it sends the code, and only when there is one", () => {
    for (const s of ["STORE_QR", "INSTAGRAM", "DIRECT"] as const) {
      expect(submissionOf(ok, s, "MOBILE")).not.toHaveProperty("storeVisited");
      expect(submissionOf(ok, s, "MOBILE")).not.toHaveProperty("visitCode");
    }
    expect(submissionOf({ ...ok, visitCode: " 042137 " }, "STORE_QR", "MOBILE")).toMatchObject({ visitCode: "042137", source: "STORE_QR" });
    expect(submissionOf({ ...ok, visitCode: "042137" }, "DIRECT", "WEB")).toMatchObject({ visitCode: "042137", source: "DIRECT" });
  });

  it("keeps six digits of what is typed in the code field", () => {
    expect(visitCodeInput("04 21-37")).toBe("042137");
    expect(visitCodeInput("1234567")).toBe("123456");
    expect(visitCodeInput("abc")).toBe("");
  });

  it("names the channel by the viewport", () => {
    expect(channelOf(360)).toBe("MOBILE");
    expect(channelOf(1280)).toBe("WEB");
  });

  it("sends the normalised entry, the same for the same values", () => {
    const body = submissionOf({ ...ok, name: " 김민수 ", email: " a@b.co ", agreeMarketing: true }, "INSTAGRAM", "WEB");
    expect(body).toEqual({
      name: "김민수", phoneNumber: "01012345678", email: "a@b.co", agreePrivacy: true, agreeMarketing: true,
      channel: "WEB", source: "INSTAGRAM",
    });
    expect(submissionOf(ok, "DIRECT", "WEB")).not.toHaveProperty("email");
    expect(JSON.stringify(submissionOf(ok, "KAKAO", "MOBILE"))).toBe(JSON.stringify(submissionOf(ok, "KAKAO", "MOBILE")));
  });
});

describe("validation", () => {
  it("accepts a complete entry", () => expect(validate(ok)).toEqual({}));
  it.each([
    [{ name: "  " }, { name: t.nameRequired }],
    [{ name: "가".repeat(51) }, { name: t.nameTooLong }],
    [{ phone: "" }, { phone: t.phoneRequired }],
    [{ phone: "010-123" }, { phone: t.phoneInvalid }],
    [{ email: "not-an-email" }, { email: t.emailInvalid }],
    [{ email: "a@b" }, { email: t.emailInvalid }],
    [{ agreePrivacy: false }, { agreePrivacy: t.privacyRequired }],
    [{ visitCode: "12345" }, { visitCode: t.visitCodeFormat }],
    [{ visitCode: "12a456" }, { visitCode: t.visitCodeFormat }],
  ])("%o → %o", (change, want) => expect(validate({ ...ok, ...change })).toEqual(want));
  it("lists every problem at once", () => {
    expect(Object.keys(validate({ name: "", phone: "", email: "x", agreePrivacy: false, agreeMarketing: false, visitCode: "1" }))).toEqual([
      "name", "phone", "email", "visitCode", "agreePrivacy",
    ]);
  });
  it("never needs the marketing consent", () => expect(validate({ ...ok, agreeMarketing: false })).toEqual({}));
  it("never needs a visit code", () => expect(validate({ ...ok, visitCode: "" })).toEqual({}));
});

describe("what the server's answer means", () => {
  it.each([
    [new ApiError(409, "PART_001", ""), { kind: "already" }],
    [new ApiError(400, "PART_002", ""), { kind: "closed", message: t.outOfPeriod(ev.startDate, ev.endDate) }],
    [new ApiError(400, "PART_005", ""), { kind: "closed", message: t.closed }],
    [new ApiError(400, "PART_010", ""), { kind: "visit", message: t.visitCodeWrong }],
    [new ApiError(429, "PART_009", "", 7), { kind: "wait", seconds: 7 }],
    [new ApiError(429, "PART_009", "", null), { kind: "wait", seconds: 5 }],
    [new ApiError(0, NETWORK, "Failed to fetch"), { kind: "retry", message: t.network }],
    [new ApiError(503, "HTTP_503", ""), { kind: "retry", message: t.server }],
    [new TypeError("boom"), { kind: "retry", message: t.server }],
  ])("%o", (err, want) => expect(outcomeOf(err, ev)).toEqual(want));

  it("maps the server's field errors onto the form's fields", () => {
    const err = new ApiError(400, "VALIDATION_001", "", null, [
      { field: "phoneNumber", message: "must be a Korean mobile number" },
      { field: "channel", message: "?" },
    ]);
    expect(outcomeOf(err, ev)).toEqual({ kind: "fields", errors: { phone: t.phoneInvalid }, message: t.fieldInvalid });
  });

  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(new Date(10_000 + 30_000).toUTCString(), 10_000)).toBe(30);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});
