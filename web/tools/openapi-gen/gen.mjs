#!/usr/bin/env node
// eventmkt-openapi-gen IN.yaml OUT.d.ts: TypeScript types of an OpenAPI
// document with openapi-typescript, which resolves this package's own
// TypeScript 5 (see package.json's description for why).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const [input, output] = process.argv.slice(2).filter((a) => a !== "-o");
if (!input || !output) {
  console.error("usage: eventmkt-openapi-gen IN.yaml -o OUT.d.ts");
  process.exit(2);
}
const ast = await openapiTS(pathToFileURL(resolve(input)), { exportType: false, alphabetize: false });
const header = `// Generated from ${input} by \`npm run gen:api\` (openapi-typescript); do not edit.\n\n`;
const text = header + astToString(ast);
let old = "";
try {
  old = readFileSync(output, "utf8");
} catch {
  // first run
}
if (old !== text) writeFileSync(output, text);
console.log(`${output}: ${text.length} bytes from ${input}`);
