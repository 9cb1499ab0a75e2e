import { describe, expect, it } from "vitest";
import { csvFileName, emptyFilters, filtersFromQuery, normalizeSearch, queryOf, withFilter } from "./participantsQuery";

describe("participants query", () => {
  it("asks the API for the first page of 20 by default", () => {
    expect(queryOf(emptyFilters, true)).toBe("page=0&size=20");
    expect(queryOf(emptyFilters)).toBe("");
  });
  it("sends every filter the owner set, in the API's names", () => {
    const f = { storeVisited: true, channel: "MOBILE" as const, isWinner: false, search: " 김 ", page: 2, size: 50 };
    expect(queryOf(f, true)).toBe("storeVisited=true&channel=MOBILE&isWinner=false&search=%EA%B9%80&page=2&size=50");
  });
  it("trims the search and keeps it within 50 characters", () => {
    expect(normalizeSearch(" 010-1234 ")).toBe("010-1234");
    expect(normalizeSearch("20261201-000042")).toBe("20261201-000042");
    expect(normalizeSearch("홍   길동")).toBe("홍 길동");
    expect(normalizeSearch("가".repeat(80))).toHaveLength(50);
  });
  it("reads the page URL back and ignores what is not valid", () => {
    const f = filtersFromQuery(new URLSearchParams("storeVisited=false&channel=INSTORE&isWinner=true&search=kim&page=3&size=100"));
    expect(f).toEqual({ storeVisited: false, channel: "INSTORE", isWinner: true, search: "kim", page: 3, size: 100 });
    const bad = filtersFromQuery(new URLSearchParams("storeVisited=yes&channel=FAX&page=-1&size=500"));
    expect(bad).toEqual(emptyFilters);
  });
  it("round-trips through the URL", () => {
    const f = { storeVisited: null, channel: "WEB" as const, isWinner: true, search: "0105", page: 1, size: 20 };
    expect(filtersFromQuery(new URLSearchParams(queryOf(f)))).toEqual(f);
  });
  it("goes back to the first page when a filter changes", () => {
    expect(withFilter({ ...emptyFilters, page: 4 }, { isWinner: true })).toMatchObject({ page: 0, isWinner: true });
  });
  it("names the CSV as the server says", () => {
    expect(csvFileName('attachment; filename="participants-e1.csv"', "e1")).toBe("participants-e1.csv");
    expect(csvFileName(null, "e1")).toBe("participants-e1.csv");
    expect(csvFileName("attachment; filename*=UTF-8''%EC%B0%B8%EC%97%AC.csv", "e1")).toBe("참여.csv");
  });
});
