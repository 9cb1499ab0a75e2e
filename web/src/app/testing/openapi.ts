// Test helper (never imported by the app): the error codes docs/openapi.yaml
// lists for an operation, read from the document itself, so a code added to
// the contract fails the console's tests until it has a Korean message.
import { readFileSync } from "node:fs";

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

/** Every error code the document lists for the operation (its own and its shared responses'). */
export function codesOf(op: string): string[] {
  const start = yaml.indexOf(`operationId: ${op}\n`);
  if (start < 0) throw new Error(`operation ${op} is not in docs/openapi.yaml`);
  const rest = yaml.slice(start);
  const end = rest.slice(1).search(/\n    (get|put|post|delete):|\n  \/|\ncomponents:/);
  const block = rest.slice(0, end + 1);
  const codes = new Set(codesIn(block));
  for (const m of block.matchAll(/\$ref: '#\/components\/responses\/(\w+)'/g)) for (const c of codesIn(responseBlock(m[1]!))) codes.add(c);
  if (block.includes("BadRequest'")) ["VALIDATION_001", "REQUEST_001"].forEach((c) => codes.add(c));
  return [...codes];
}

/** Every operationId in the document. */
export function operations(): string[] {
  return [...yaml.matchAll(/operationId: (\w+)\n/g)].map((m) => m[1]!);
}
