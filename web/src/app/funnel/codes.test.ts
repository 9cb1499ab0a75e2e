// Every error code docs/openapi.yaml lists for the funnel's operations has a
// Korean message of its own (not the generic fallback).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { errors } from "../../i18n/console";
import { funnelMessage } from "./common";

const OPS = [
  "EventCreate", "EventGet", "RecommendationRequest", "RecommendationSelect", "ImageRequest", "ImageList", "ImageSelect", "ImageEdit",
  "ChannelSelect", "EventPublish", "JobGet",
];

const yaml = readFileSync(new URL("../../../../docs/openapi.yaml", import.meta.url), "utf8");

/** The codes named in a block of the document: `code: {const: X}`, `code: {enum: [...]}` and 'X: ...' descriptions. */
function codesIn(block: string): string[] {
  const out = new Set<string>();
  for (const m of block.matchAll(/code: \{(?:const: ([A-Z_0-9]+)|enum: \[([^\]]+)\])\}/g)) {
    if (m[1]) out.add(m[1]);
    if (m[2]) for (const c of m[2].split(",")) out.add(c.trim());
  }
  for (const m of block.matchAll(/'([A-Z]+_\d{3})(?::| \()/g)) out.add(m[1]!);
  for (const m of block.matchAll(/\b([A-Z]+_\d{3}): /g)) out.add(m[1]!);
  return [...out];
}

function responseBlock(name: string): string {
  const start = yaml.indexOf(`\n    ${name}:\n`, yaml.indexOf("\n  responses:\n"));
  const rest = yaml.slice(start + 1);
  const end = rest.slice(1).search(/\n    [A-Za-z]+:\n/);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

function codesOf(op: string): string[] {
  const start = yaml.indexOf(`operationId: ${op}\n`);
  expect(start, op).toBeGreaterThan(0);
  const rest = yaml.slice(start);
  const end = rest.slice(1).search(/\n    (get|put|post|delete):|\n  \/|\ncomponents:/);
  const block = rest.slice(0, end + 1);
  const codes = new Set(codesIn(block));
  for (const m of block.matchAll(/\$ref: '#\/components\/responses\/(\w+)'/g)) for (const c of codesIn(responseBlock(m[1]!))) codes.add(c);
  if (block.includes("BadRequest'")) ["VALIDATION_001", "REQUEST_001"].forEach((c) => codes.add(c));
  return [...codes];
}

describe("error codes of the funnel's operations", () => {
  it.each(OPS)("%s: every listed code has its own message", (op) => {
    const codes = codesOf(op);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) {
      const msg = funnelMessage(new ApiError(400, code, ""));
      expect(msg, `${op} ${code}`).not.toBe(errors.unknown);
    }
  });

  it("finds the codes the document names", () => {
    expect(codesOf("EventPublish")).toEqual(expect.arrayContaining(["EVENT_004", "EVENT_005", "EVENT_001", "EVENT_003", "AUTH_002", "SERVER_500"]));
    expect(codesOf("ImageRequest")).toEqual(expect.arrayContaining(["CONTENT_001", "VALIDATION_001", "REQUEST_413"]));
    expect(codesOf("JobGet")).toContain("JOB_001");
    expect(codesOf("RecommendationSelect")).toContain("EVENT_006");
  });
});
