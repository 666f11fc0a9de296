// Builds dist/privacy-lens.html (`make single-file`, after `make build`): the whole page in
// one file that works opened straight from disk (file://), where nothing may be fetched and
// no module worker can start (../shared/TOOLCHAIN.md §8).
//
// esbuild bundles the page (www/app.js and everything it imports, ECharts included) into one
// inline module script, and the analysis worker (www/worker.js, the same source as the
// site's) into one inline classic script that defines privacyLensWorker(self, postMessage)
// for single-file/runtime-page.js to start from a Blob URL. The two modules that say where
// things come from (www/runtime-page.js, www/runtime-worker.js) are swapped for those in
// single-file/, which inline the WebAssembly core, the tracker database and the example, and
// have the page read the files for the worker. The stylesheet is inlined too. The CSP stays strict: each inline script
// and style is allowed by its SHA-256 hash, never by 'unsafe-inline'.
//
//   node scripts/single-file.mjs     prints the file's size

import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const WWW = join(ROOT, 'www');
export const OUTPUT = join(ROOT, 'dist/privacy-lens.html');

/** The served site's runtime modules → the single file's. */
const singleFile = {
  name: 'single-file',
  setup(build) {
    build.onResolve({ filter: /^\.\/runtime-(page|worker)\.js$/ }, (args) => ({ path: join(ROOT, 'single-file', basename(args.path)) }));
  },
};

async function bundle(entry, format) {
  const result = await esbuild.build({
    entryPoints: [join(WWW, entry)],
    bundle: true,
    format,
    minify: true,
    // Function names stay: the page names its render steps after them (make bench-web).
    keepNames: true,
    write: false,
    target: 'es2022',
    charset: 'utf8',
    // The core becomes a Uint8Array (base64 in the script); text files stay text, a third
    // smaller than base64 (inline() checks that none of it can end the script early).
    loader: { '.wasm': 'binary', '.tsv': 'text', '.ndjson': 'text' },
    plugins: [singleFile],
    // The wasm-bindgen glue's default address of the .wasm is unused: the bytes are given.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  return result.outputFiles[0].text;
}

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** `text` as the content of a <script> or <style>, which must not end the element early. */
function inline(text, element) {
  if (new RegExp(`</${element}|<!--`, 'i').test(text)) throw new Error(`the inline ${element} contains </${element} or <!--`);
  return text;
}

/** Replaces `from` (which must occur exactly once) with `to`. */
function replaceOnce(html, from, to) {
  const parts = html.split(from);
  if (parts.length !== 2) throw new Error(`www/index.html: expected exactly one ${from}, found ${parts.length - 1}`);
  return parts.join(to);
}

const escapeText = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function buildSingleFile() {
  const worker = inline(`function privacyLensWorker(self, postMessage) {\n${await bundle('worker.js', 'iife')}}\n`, 'script');
  const page = inline(await bundle('app.js', 'esm'), 'script');
  const style = inline(readFileSync(join(WWW, 'style.css'), 'utf8'), 'style');
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(worker)} ${sha256(page)} 'wasm-unsafe-eval'`,
    `style-src ${sha256(style)}`,
    'img-src data: blob:',
    // The analysis worker starts from a Blob URL; nothing is fetched.
    'worker-src blob:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  let html = readFileSync(join(WWW, 'index.html'), 'utf8');
  html = html.replace(/(<meta http-equiv="Content-Security-Policy" content=")[^"]*(">)/, (_, start, end) => `${start}${csp}${end}`);
  if (!html.includes(csp)) throw new Error('www/index.html: no Content-Security-Policy <meta> found');
  html = html.replace(/<!-- Why each directive: SECURITY\.md[^]*?-->/, "<!-- Why each directive: SECURITY.md, \"The single file\". Nothing is fetched; each inline\n     script and the stylesheet is allowed by its hash; the analysis worker starts from a Blob URL. -->");
  html = replaceOnce(html, '<link rel="stylesheet" href="style.css">', `<style>${style}</style>`);
  html = replaceOnce(html, '<script type="module" src="app.js"></script>', `<script id="analysis-worker">${worker}</script>\n<script type="module">${page}</script>`);
  // No service worker, manifest or home-screen icon: a file on disk has no origin to install.
  for (const tag of [
    /<!-- Offline use and installing[^\n]*-->\n/,
    /<link rel="manifest"[^>]*>\n/,
    /<link rel="apple-touch-icon"[^>]*>\n/,
    /<script type="module" src="offline.js"><\/script>\n/,
  ]) {
    if (!tag.test(html)) throw new Error(`www/index.html: ${tag} not found`);
    html = html.replace(tag, '');
  }
  // The licences the site links to as files come inside this file.
  const licences = [
    ['licence-trackerdb', 'data/LICENSE-trackerdb.md', 'Ghostery Tracker Database'],
    ['licence-echarts', 'vendor/LICENSE-echarts.txt', 'Apache ECharts'],
  ];
  for (const [id, path] of licences) html = replaceOnce(html, `href="${path}"`, `href="#${id}"`);
  html = replaceOnce(html, '</footer>', `${licences.map(([id, path, name]) => `<details id="${id}"><summary>Licence: ${name}</summary><pre>${escapeText(readFileSync(join(WWW, path), 'utf8'))}</pre></details>`).join('\n')}\n</footer>`);
  const markup = html.replace(/(<script\b[^>]*>)[^]*?<\/script>|<style>[^]*?<\/style>/g, '$1');
  const loaded = markup.match(/<(script|link|img|iframe)\b[^>]*\b(src|href)="(?!data:)[^"]*"/gi);
  if (loaded) throw new Error(`the single file still loads files: ${loaded.join(', ')}`);

  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  // Written beside and renamed: tests running at once never read half a file.
  const partial = `${OUTPUT}.${process.pid}.partial`;
  writeFileSync(partial, html);
  renameSync(partial, OUTPUT);
  return { path: OUTPUT, bytes: Buffer.byteLength(html), gzipped: gzipSync(html, { level: 9 }).length };
}

if (resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { path, bytes, gzipped } = await buildSingleFile();
  console.log(`single file: ${path}, ${(bytes / 1e6).toFixed(2)} MB (${(gzipped / 1e6).toFixed(2)} MB gzipped)`);
}
