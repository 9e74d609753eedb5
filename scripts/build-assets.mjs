// Copies the browser libraries the pages load (from node_modules, installed from the npm registry by
// scripts/setup) into web/static/vendor/, and bundles our own ES-module entries in web/assets/*.js with
// esbuild (the bpmn-js properties panel ships no browser bundle). No CDN: the pages load only these files.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const vendor = "web/static/vendor";
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });

const copies = {
  "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
  "node_modules/axe-core/axe.min.js": "axe.min.js",
  "node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-navigated-viewer.js",
  "node_modules/bpmn-js/dist/assets": "bpmn-js",
  "node_modules/dmn-js/dist/assets": "dmn-js",
  "node_modules/@bpmn-io/properties-panel/dist/assets": "properties-panel",
};
for (const [source, target] of Object.entries(copies)) {
  cpSync(source, join(vendor, target), { recursive: true });
}

const entries = existsSync("web/assets")
  ? readdirSync("web/assets").filter((name) => name.endsWith(".js")).map((name) => join("web/assets", name))
  : [];
if (entries.length) {
  await build({
    entryPoints: entries,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    outdir: vendor,
    loader: { ".svg": "text" },
    logLevel: "warning",
  });
}
console.log(`assets: ${Object.keys(copies).length} copied, ${entries.length} bundled into ${vendor}`);
