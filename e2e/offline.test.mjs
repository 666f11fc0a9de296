// Offline and from disk, in Chromium:
// 1. the served site installs its service worker and is installable (as Chromium judges the
//    manifest, icons and worker); with the network off, a reload still opens the page,
//    which analyses the example and a file, and opens an app's charts;
// 2. a new build (new files, so a new version) is offered, not mixed in: until "Reload" the
//    page is the old version (even after reloading it), then entirely the new one, with
//    only the new version's cache left; another open tab is told to reload;
// 3. dist/privacy-lens.html opened from file:// analyses real and generated exports in a
//    worker started from a Blob URL, with the CLI's numbers, no CSP violation and not one
//    request other than file:, blob: or data:; where no worker may start, in the page
//    itself, with the same numbers, reading in slices between which the page gets its turn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, writeFile, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve, launch, open, settled, cliReport, realFixtures, scratch, WWW, CLI } from './harness.mjs';
import { shownReport, assertMatches } from './report-view.mjs';
import { singleFile } from './single-file.mjs';
import { writePrecache } from '../scripts/precache.mjs';

/** A generated export (`generate` options: `--days N` or `--size 16M`), and its path. */
async function generated(seed, ...options) {
  const file = join(await scratch(), `generated-${seed}.ndjson`);
  execFileSync(CLI, ['generate', '--seed', String(seed), ...options, '-o', file]);
  return file;
}

/** Waits until the service worker controls the page. */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

async function engineReady(page) {
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready', null, { timeout: 30_000 });
}

/** Analyses the example, then `file`, each checked against the CLI; then opens an app's charts. */
async function analyseExampleAndFile(page, file) {
  await page.click('#example');
  assert.equal(await settled(page), 'done');
  assertMatches(await shownReport(page), cliReport([join(WWW, 'example.ndjson')]));
  await page.setInputFiles('#file', file);
  assert.equal(await settled(page), 'done');
  assertMatches(await shownReport(page), cliReport([file]));
  await page.click('#tab-apps');
  await page.click('#apps tbody tr:first-child button.app-name');
  await page.waitForSelector('#timeline canvas', { timeout: 30_000 });
}

async function violations(page) {
  return page.evaluate(() => window.__violations);
}

test('installable; with the network off after the first visit, the page opens and analyses', async () => {
  const site = await serve();
  const browser = await launch(site.origin);
  try {
    const page = await open(browser.context, site.url);
    await controlled(page);
    // The first version taking control is no update: nothing offers a reload (the bar
    // would have come with the change of controller, which is over by now).
    assert.equal(await page.$('#update'), null, 'no reload offered on the first visit');
    // Installable on the home screen: Chromium finds nothing missing in the manifest,
    // the icons or the service worker.
    const devtools = await browser.context.newCDPSession(page);
    assert.deepEqual((await devtools.send('Page.getAppManifest')).errors, [], 'manifest errors');
    assert.deepEqual((await devtools.send('Page.getInstallabilityErrors')).installabilityErrors, [], 'installability errors');
    const reachedServer = [];
    site.server.on('request', (request) => reachedServer.push(request.url));
    await browser.context.setOffline(true);
    await page.reload();
    await engineReady(page);
    await analyseExampleAndFile(page, await generated(11, '--days', '5'));
    assert.deepEqual(reachedServer, [], 'nothing reached the server while offline');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.context.close();
    site.server.close();
  }
});

test('a new build is offered, and taken whole on "Reload"', async () => {
  // A copy of the site, so that the test can publish a new build of it.
  const copy = await scratch();
  await cp(WWW, copy, { recursive: true });
  writePrecache(copy);
  const site = await serve({ '/update/': copy });
  const url = `${site.origin}/update/`;
  const browser = await launch(site.origin);
  try {
    const page = await open(browser.context, url);
    await controlled(page);
    const [oldCache] = await page.evaluate(() => caches.keys());

    // The new build: a changed page, hence a new version.
    const index = join(copy, 'index.html');
    await writeFile(index, (await readFile(index, 'utf8')).replace('</head>', '<meta name="build" content="new">\n</head>'));
    const { version } = writePrecache(copy);
    assert.notEqual(`privacy-lens-${version}`, oldCache);

    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForSelector('#update button', { timeout: 30_000 });
    assert.equal(await page.$('meta[name=build]'), null, 'still the old version');
    // A reload alone keeps the old version whole (the new one waits), and offers it again.
    await page.reload();
    await engineReady(page);
    assert.equal(await page.$('meta[name=build]'), null, 'still the old version after a reload');
    await page.waitForSelector('#update button', { timeout: 30_000 });

    // A second tab of the old version, told when the first takes the new one.
    const other = await browser.context.newPage();
    await other.goto(url);
    await engineReady(other);

    await Promise.all([page.waitForEvent('load'), page.click('#update button')]);
    await other.waitForFunction(() => document.querySelector('#update [data-i18n="update.elsewhere"]'), null, { timeout: 30_000 });
    await page.waitForSelector('meta[name=build]', { state: 'attached' });
    await engineReady(page);
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`privacy-lens-${version}`], 'only the new version is kept');
    await page.click('#example');
    assert.equal(await settled(page), 'done');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.context.close();
    site.server.close();
  }
});

/** Opens `path` from disk, recording every request the browser makes for it. */
async function openFromDisk(path) {
  const browser = await launch('file://');
  const requested = [];
  browser.context.on('request', (request) => requested.push(request.url()));
  const page = await open(browser.context, pathToFileURL(path).href);
  return { browser, page, requested };
}

function assertOnlyLocal(requested) {
  assert.ok(requested.some((url) => url.startsWith('file:')), 'requests are recorded');
  const elsewhere = requested.filter((url) => !/^(file|blob|data):/.test(url));
  assert.deepEqual(elsewhere, [], 'no request other than file:, blob: or data:');
}

test('the single file, from disk: real and generated exports analysed in a worker, as the CLI does; Cancel', async () => {
  const { browser, page, requested } = await openFromDisk(await singleFile());
  try {
    assert.equal(await page.$eval('main', (main) => main.dataset.analysis), 'worker');
    assert.ok(page.workers().some((worker) => worker.url().startsWith('blob:')), 'a worker runs from a Blob URL');
    await analyseExampleAndFile(page, await generated(21, '--days', '9'));
    const fixtures = realFixtures();
    if (fixtures) {
      await page.setInputFiles('#file', fixtures);
      assert.equal(await settled(page), 'done');
      assertMatches(await shownReport(page), cliReport(fixtures));
    }
    // Cancel ends the worker at once; a fresh one takes over.
    await page.setInputFiles('#file', await generated(41, '--size', '60M'));
    await page.waitForFunction(() => document.getElementById('progress-bar').value > 0);
    await page.click('#cancel');
    assert.equal(await page.$eval('main', (main) => main.dataset.state), 'idle');
    await page.click('#example');
    assert.equal(await settled(page), 'done');
    assert.equal(await page.$eval('main', (main) => main.dataset.analysis), 'worker');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(browser.problems, []);
    assertOnlyLocal(requested);
  } finally {
    await browser.context.close();
  }
});

test('the single file where no worker may start: analysed in the page, reading in slices', async () => {
  // The same file with workers forbidden by its CSP, as in an engine that refuses them.
  const refusing = join(await scratch(), 'privacy-lens-no-workers.html');
  const html = await readFile(await singleFile(), 'utf8');
  await writeFile(refusing, html.replace('worker-src blob:', "worker-src 'none'"));
  const { browser, page, requested } = await openFromDisk(refusing);
  try {
    assert.equal(await page.$eval('main', (main) => main.dataset.analysis), 'main-thread');
    // Long tasks, and when the progress line changes while the file is read.
    await page.evaluate(() => {
      window.__long = [];
      window.__reading = [];
      new PerformanceObserver((list) => window.__long.push(...list.getEntries().map((e) => [e.startTime, e.duration]))).observe({ type: 'longtask' });
      const text = document.getElementById('progress-text');
      new MutationObserver(() => { if (text.textContent.startsWith('Reading')) window.__reading.push(performance.now()); }).observe(text, { childList: true, characterData: true, subtree: true });
    });
    const file = await generated(31, '--size', '16M');
    await page.setInputFiles('#file', file);
    assert.equal(await settled(page), 'done');
    assertMatches(await shownReport(page), cliReport([file]));
    const { long, reading } = await page.evaluate(() => ({ long: window.__long, reading: window.__reading }));
    // The page had its turn again and again while the file was read: progress was painted.
    // (One call that read the whole file would leave one update.) Starting the session and
    // building the report are single calls into the core, and the core's tables grow now and
    // then inside a slice; those tasks can pass 50 ms, and are printed.
    assert.ok(reading.length >= 5, `the progress line moved while reading (${reading.length} times)`);
    const first = reading[0];
    console.log(`main-thread analysis of a ${(await stat(file)).size} byte export: progress painted ${reading.length} times in ${Math.round(reading.at(-1) - first)} ms of reading; long tasks [start from the first progress, ms]: ${JSON.stringify(long.map(([start, ms]) => [Math.round(start - first), Math.round(ms)]))}`);
    const refused = await violations(page);
    assert.ok(refused.length > 0 && refused.every((v) => v.startsWith('worker-src')), `only the refused worker: ${refused}`);
    assertOnlyLocal(requested);
  } finally {
    await browser.context.close();
  }
});
