// What the end-to-end tests share: a static server for www/ under a sub-path (as on GitHub
// Pages), Debian's Chromium driven by playwright-core, a record of every request and of
// every CSP violation, and the CLI for the expected numbers.

import { createServer } from 'node:http';
import { readFile, mkdtemp, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { extname, join, normalize, resolve } from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..');
export const WWW = join(ROOT, 'www');
export const CLI = join(ROOT, 'target/release/privacy-lens');
export const REAL_DIR = resolve(ROOT, '../shared/fixtures/real');
export const ARTIFACTS = join(ROOT, 'e2e/artifacts');
export const SUB_PATH = '/privacy-lens/';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.ndjson': 'application/x-ndjson', '.txt': 'text/plain' };

/**
 * Serves www/ (or `site`, a changed copy of it) at http://127.0.0.1:PORT/privacy-lens/ on an
 * ephemeral port, and any other directory at its own path prefix (`mounts`: {'/bench/': dir}).
 */
export async function serve(mounts = {}, site = WWW) {
  if (!existsSync(join(WWW, 'pkg/privacy_lens_bg.wasm'))) throw new Error('www/ is not built: run `make build` first');
  const roots = Object.entries({ [SUB_PATH]: site, ...mounts });
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const [prefix, root] = roots.find(([prefix]) => path.startsWith(prefix)) ?? [];
    if (!root) return void response.writeHead(404).end();
    const file = normalize(join(root, path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(root)) return void response.writeHead(403).end();
    try {
      const body = await readFile(file.endsWith('/') ? join(file, 'index.html') : file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, url: origin + SUB_PATH };
}

/**
 * Launches Chromium with a fresh profile. Every request is recorded in `requests`; any
 * request to another origin is recorded and aborted. CSP violations and console errors of
 * every page are collected in `problems`.
 */
export async function launch(origin) {
  const profile = await mkdtemp(join(os.tmpdir(), 'privacy-lens-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const requests = [];
  const problems = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push({ url, method: route.request().method(), body: route.request().postDataBuffer() });
    return url.startsWith(origin + '/') ? route.continue() : route.abort();
  });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  context.on('page', (page) => watch(page, problems));
  for (const page of context.pages()) watch(page, problems);
  return { context, requests, problems, profile };
}

function watch(page, problems) {
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}

/** Waits until <main data-state> is one of `states`; returns it. */
export async function settled(page, states = ['done', 'error'], timeout = 60_000) {
  await page.waitForFunction((wanted) => wanted.includes(document.querySelector('main').dataset.state), states, { timeout });
  return page.$eval('main', (main) => main.dataset.state);
}

/** Opens the page and waits for the analysis engine. */
export async function open(context, url, viewport = { width: 1280, height: 900 }) {
  const page = context.pages()[0] ?? await context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready', null, { timeout: 30_000 });
  return page;
}

/** The CLI's JSON report for these files (the reference the page must match). */
export function cliReport(files, extra = []) {
  return JSON.parse(execFileSync(CLI, ['analyze', '--json', ...extra, ...files], { maxBuffer: 1 << 30 }).toString());
}

/** The real exports, or null after saying why they are missing. */
export function realFixtures() {
  if (!existsSync(REAL_DIR)) {
    console.log(`SKIP: ${REAL_DIR} not found; the tests on real exports did not run`);
    return null;
  }
  return ['ios15-beta1_eJamesLin-AppActivityViewer.json', 'ios15.4_plaso.ndjson', 'ios17_tweaselORG-ReportHAR.ndjson'].map((name) => join(REAL_DIR, name));
}

/** A fresh directory for generated inputs. */
export async function scratch() {
  return mkdtemp(join(os.tmpdir(), 'privacy-lens-input-'));
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** `12,345` → 12345 */
export function number(text) {
  return Number(text.replace(/[^\d.]/g, ''));
}
