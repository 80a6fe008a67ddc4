// Builds the web app into dist/ (or --out DIR), byte for byte the same on every machine: esbuild bundles and minifies
// src/main.tsx (and the CSS it imports) with no source maps or timestamps, each asset is named by a hash of its bytes
// (so the gateway may cache it forever), and index.html names them. CI rebuilds into a temp folder and compares.
//
//   npm ci --prefix web && npm run build --prefix web          # rewrites web/dist
//   node web/build.mjs --out /tmp/dist                          # somewhere else (the reproducibility check)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(here, 'dist'));

const result = await build({
  absWorkingDir: here,
  entryPoints: ['src/main.tsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  charset: 'utf8',
  legalComments: 'none',
  sourcemap: false,
  write: false,
  outdir: 'out',
  metafile: false,
  logLevel: 'warning',
});

const hashOf = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const assets = {};
for (const file of result.outputFiles) {
  const ext = file.path.endsWith('.css') ? 'css' : 'js';
  assets[ext] = { name: `app.${hashOf(file.contents)}.${ext}`, bytes: file.contents };
}
// The icon is drawn here (no binary in the sources): a ledger's three stacked blocks.
const icon = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#14365d"/>' +
  '<rect x="7" y="7" width="18" height="5" rx="1" fill="#7fc4ff"/><rect x="7" y="14" width="18" height="5" rx="1" fill="#b7dcff"/>' +
  '<rect x="7" y="21" width="18" height="5" rx="1" fill="#ffffff"/></svg>\n');
assets.icon = { name: `icon.${hashOf(icon)}.svg`, bytes: icon };

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenLedger</title>
<link rel="icon" href="/assets/${assets.icon.name}" type="image/svg+xml">
<link rel="stylesheet" href="/assets/${assets.css.name}">
<script type="module" src="/assets/${assets.js.name}"></script>
</head>
<body>
<noscript>OpenLedger's explorer needs JavaScript. The same data is at /graphql (GraphQL over HTTP).</noscript>
<div id="app"></div>
</body>
</html>
`;

// Only this build's files stay: a stale hashed asset would otherwise be embedded forever.
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
writeFileSync(join(out, 'index.html'), html);
for (const a of Object.values(assets)) writeFileSync(join(out, 'assets', a.name), a.bytes);

const kb = (n) => (n / 1024).toFixed(1);
const js = assets.js.bytes;
process.stderr.write(`built ${out}: ${readdirSync(join(out, 'assets')).join(', ')}; JS ${kb(js.length)} KB, ` +
  `${kb(gzipSync(js, { level: 9 }).length)} KB gzipped; CSS ${kb(assets.css.bytes.length)} KB\n`);
