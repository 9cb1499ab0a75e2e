// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { _reset, signIn } from "../session";
import { downloadCsv, downloadProof } from "./csv";

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  _reset();
  signIn({ userId: "u1", storeId: "s1", accessToken: "at-1", refreshToken: "rt", expiresIn: 900 });
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

describe("participants CSV", () => {
  it("asks for the link with the bearer token and follows it: the file comes from Blob, no popup, no token in the URL", async () => {
    const link = "https://st.blob.core.windows.net/exports/e1-k.csv?sp=r&se=2026-12-01T05%3A40%3A00Z&rscd=attachment%3B+filename%3D%22participants-e1.csv%22&sig=abc";
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ url: link, expiresAt: "2026-12-01T05:40:00Z" }), {
        status: 200,
        headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
      }),
    );
    const clicked: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const open = vi.fn();
    vi.stubGlobal("open", open);

    expect(await downloadCsv("e1")).toBe("participants-e1.csv");
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(String(url)).toBe("/api/v1/events/e1/participants/export");
    expect((init!.headers as Record<string, string>).Authorization).toBe("Bearer at-1");
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.href).toBe(link);
    expect(clicked[0]!.href).not.toContain("at-1");
    expect(document.querySelector("a[hidden]")).toBeNull();
    expect(open).not.toHaveBeenCalled();
    click.mockRestore();
  });

  it("saves the proof through DrawProofLink", async () => {
    const link = "https://st.blob.core.windows.net/draw-proofs/e1.json?sp=r&sig=abc";
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ url: link, expiresAt: "2026-12-01T05:40:00Z" }), { status: 200 }));
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.href);
    });
    await downloadProof("e1");
    expect(String(fetchMock.mock.calls[0]![0])).toBe("/api/v1/public/events/e1/draw-proof/link");
    expect(clicked).toEqual([link]);
    click.mockRestore();
  });

  it("throws the API's error (EVENT_003) for the screen to show", async () => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ code: "EVENT_003", status: 403 }), { status: 403 }));
    await expect(downloadCsv("e1")).rejects.toMatchObject({ code: "EVENT_003" } satisfies Partial<ApiError>);
  });
});
