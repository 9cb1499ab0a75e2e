import { expect, it } from "vitest";
import { toHex } from "./bytes";
import { recompute, verifyProof, type ProofBundle } from "./verify";

// A large bundle verifies and reports progress as it goes. Its speed (the
// issue's 100,000 entries in at most 5 s in desktop Chromium) is a figure
// of `make bench`, not a timed assertion here.
it("verifies 100,000 weighted entries with progress", { timeout: 120_000 }, async () => {
  const n = 100_000;
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const entries = Array.from({ length: n }, (_, i) => ({ participantId: `20261126-${String(i + 1).padStart(6, "0")}`, weight: i % 3 === 2 ? 3 : 1 }));
  const lines = new TextEncoder().encode(entries.map((e) => `${e.participantId},${e.weight}\n`).join(""));
  const bundle: ProofBundle = {
    eventId: "speed", algorithm: "WEIGHTED", algorithmVersion: "ES-HMAC-SHA256/v1", seed: toHex(seed),
    seedCommitment: toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", seed))),
    entriesHash: toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", lines))),
    totalEntries: n, winnerCount: 20, alternateCount: 10, winners: [], alternates: [], substitutions: [], drawnAt: "", entries,
  };
  const r = await recompute(bundle);
  if ("failure" in r) throw new Error(JSON.stringify(r.failure));
  bundle.winners = r.ranked.slice(0, 20).map((participantId, i) => ({ rank: i + 1, participantId }));
  bundle.alternates = r.ranked.slice(20).map((participantId, i) => ({ rank: i + 1, participantId }));
  let updates = 0;
  const t0 = performance.now();
  const v = await verifyProof(bundle, { onProgress: () => updates++ });
  const ms = performance.now() - t0;
  console.log(`verified ${n} entries in ${ms.toFixed(0)} ms (${updates} progress updates)`);
  expect(v.ok).toBe(true);
  expect(updates).toBeGreaterThan(10);
});
