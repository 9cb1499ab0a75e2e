// Syntax check of Bicep files without the Bicep compiler (it cannot be
// installed here): web-tree-sitter runs the tree-sitter-bicep grammar, and
// every ERROR or MISSING node is reported as file:line:col. Prints one JSON
// array of problems; exits 0 even when there are some (the Go test decides).
//
//   node scripts/bicep-check.mjs FILE...
import { Parser, Language } from 'web-tree-sitter';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
await Parser.init();
const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
const parser = new Parser();
parser.setLanguage(language);

const problems = [];
for (const file of process.argv.slice(2)) {
  const tree = parser.parse(readFileSync(file, 'utf8'));
  const walk = (node) => {
    if (node.isError || node.isMissing) {
      problems.push({
        file,
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        problem: node.isMissing ? `missing ${node.type}` : `unexpected ${JSON.stringify(node.text.slice(0, 40))}`,
      });
      return; // one report per broken region
    }
    if (node.hasError) for (const child of node.children) walk(child);
  };
  walk(tree.rootNode);
}
process.stdout.write(JSON.stringify(problems) + '\n');
