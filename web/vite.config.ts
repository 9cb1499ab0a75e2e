import { defineConfig, type Plugin } from "vitest/config";
import { runnerImport } from "vite";
import preact from "@preact/preset-vite";

/**
 * The HTML's few words (the title, the loading line) come from the same
 * dictionary as the pages: %ko:section.key% is replaced at build time.
 */
function koText(): Plugin {
  return {
    name: "ko-text",
    async transformIndexHtml(html) {
      const { module: ko } = await runnerImport<Record<string, Record<string, unknown>>>("./src/i18n/ko.ts");
      const { module: con } = await runnerImport<Record<string, Record<string, unknown>>>("./src/i18n/console.ts");
      const dicts: Record<string, Record<string, Record<string, unknown>>> = { ko, console: con };
      return html.replace(/%(ko|console):(\w+)\.(\w+)%/g, (whole, dict: string, section: string, key: string) => {
        const v = dicts[dict]![section]?.[key];
        if (typeof v !== "string") throw new Error(`ko-text: ${whole} is not a string in src/i18n/${dict}.ts`);
        return v;
      });
    },
  };
}

/**
 * The host's routes in the dev and preview servers: /e/{id} is the entry
 * page, /e/{id}/result the results page (tools/devhost does the same).
 */
function pageRoutes(): Plugin {
  const rewrite = (req: { url?: string }, _res: unknown, next: () => void) => {
    const path = (req.url ?? "").split("?")[0]!;
    const query = (req.url ?? "").slice(path.length);
    if (/^\/e\/[^/]+\/result\/?$/.test(path)) req.url = "/result.html" + query;
    else if (/^\/e\/[^/]+\/?$/.test(path)) req.url = "/entry.html" + query;
    else if (/^\/app(\/.*)?$/.test(path) && !/\.\w+$/.test(path)) req.url = "/app/index.html" + query;
    next();
  };
  return {
    name: "page-routes",
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}

// Two static pages, no router; hashed assets under /assets/ are cached
// forever by the host, the HTML is revalidated.
export default defineConfig({
  base: "/",
  plugins: [preact(), koText(), pageRoutes()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    rollupOptions: {
      input: { entry: "entry.html", result: "result.html", app: "app/index.html" },
    },
  },
  server: {
    proxy: { "/api": process.env.API_ORIGIN ?? "http://127.0.0.1:7071" },
  },
  preview: {
    proxy: { "/api": process.env.API_ORIGIN ?? "http://127.0.0.1:7071" },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
