// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { _reset, signIn } from "../session";
import { downloadCsv } from "./csv";

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  _reset();
  signIn({ userId: "u1", storeId: "s1", accessToken: "at-1", refreshToken: "rt", expiresIn: 900 });
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

describe("participants CSV", () => {
  it("fetches with the bearer token and saves the file through a blob link, no popup", async () => {
    fetchMock.mockResolvedValue(
      new Response("\uFEFF참여번호,이름\n20261201-000001,김*수\n", {
        status: 200,
        headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="participants-e1.csv"' },
      }),
    );
    const created: Blob[] = [];
    const createObjectURL = vi.fn((b: Blob) => (created.push(b), "blob:x"));
    const saved = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicked: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const open = vi.fn();
    vi.stubGlobal("open", open);

    expect(await downloadCsv("e1")).toBe("participants-e1.csv");
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(String(url)).toBe("/api/v1/events/e1/participants/export");
    expect((init!.headers as Record<string, string>).Authorization).toBe("Bearer at-1");
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe("participants-e1.csv");
    expect(clicked[0]!.getAttribute("href")).toBe("blob:x");
    expect(await created[0]!.text()).toContain("김*수");
    expect(document.querySelector("a[download]")).toBeNull();
    expect(open).not.toHaveBeenCalled();
    click.mockRestore();
    Object.assign(URL, saved);
  });

  it("throws the API's error (EVENT_003) for the screen to show", async () => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ code: "EVENT_003", status: 403 }), { status: 403 }));
    await expect(downloadCsv("e1")).rejects.toMatchObject({ code: "EVENT_003" } satisfies Partial<ApiError>);
  });
});
