// The page's main flow in WebKit (MiniBrowser, Safari's engine) and Firefox ESR, one engine
// after the other over WebDriver (e2e/engines.mjs): load, the example, real and generated
// exports, a file that is not an export, an app's charts, a saved CSV; the DOM must show the
// CLI's numbers for the same files, the page must log no error and load nothing from another
// origin. Chromium runs the fuller suites (page, trust, history) through playwright-core.
// Elements are found by id and data-* attributes only: the UI text is translated.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serve, cliReport, realFixtures, scratch, number, WWW, CLI } from './harness.mjs';
import { ENGINES, missing, startEngine } from './engines.mjs';
import { singleFile } from './single-file.mjs';
import { pathToFileURL } from 'node:url';

const EXAMPLE = join(WWW, 'example.ndjson');
const TEST_TIMEOUT = 120_000;

let site;
before(async () => { site = await serve(); });
after(() => site?.server.close());

for (const engine of Object.keys(ENGINES)) {
  const absent = missing(engine);
  if (absent.length) console.log(`SKIP: ${ENGINES[engine].name}: ${absent.join(', ')} not installed (scripts/setup.sh --test installs them)`);
  describe(ENGINES[engine].name, { skip: absent.length > 0 && `${absent.join(', ')} not installed` }, () => {
    let browser;
    let page;

    before(async () => {
      browser = await startEngine(engine);
      page = browser.session;
      await page.open(site.url);
      await page.waitFor(() => document.querySelector('main')?.dataset.engine === 'ready', { timeout: 30_000, what: 'main[data-engine=ready]' });
      await page.evaluate(watchForProblems);
    }, { timeout: 120_000 });

    after(async () => { await browser?.stop(); }, { timeout: 60_000 });

    /** Waits until <main data-state> is one of `states`; returns it. */
    function settled(states = ['done', 'error'], timeout = 60_000) {
      return page.waitFor((wanted) => wanted.includes(document.querySelector('main').dataset.state) && document.querySelector('main').dataset.state, { args: [states], timeout, what: `main[data-state] in ${states}` });
    }

    /** Analyses `paths` through the file input and waits for the outcome. */
    async function pick(paths) {
      // Clearing the state first, so that a previous `done` cannot pass for this one.
      await page.evaluate(() => { document.querySelector('main').dataset.state = 'idle'; });
      await page.upload('#file', paths);
      return settled();
    }

    test('the example: the same findings and apps as the CLI', { timeout: TEST_TIMEOUT }, async () => {
      await page.click('#example');
      assert.equal(await settled(), 'done');
      assertMatches(await page.evaluate(shown), cliReport([EXAMPLE]));
    });

    test('real exports and a generated one at once: the same numbers as the CLI', { timeout: TEST_TIMEOUT }, async () => {
      const generated = join(await scratch(), 'generated.ndjson');
      execFileSync(CLI, ['generate', '--seed', '11', '--days', '9', '-o', generated]);
      const files = [...(realFixtures() ?? []), generated];
      assert.equal(await pick(files), 'done');
      assertMatches(await page.evaluate(shown), cliReport(files));
      // The reading worker (a module worker inside a worker) digested slices for the analysis.
      const timing = JSON.parse(await page.evaluate(() => document.querySelector('main').dataset.timing));
      assert.ok(timing.digested >= 1, JSON.stringify(timing));
    });

    test("an app's view draws its timeline and heatmap", { timeout: TEST_TIMEOUT }, async () => {
      await page.click('#example');
      assert.equal(await settled(), 'done');
      await page.click('#tab-apps');
      await page.click('#apps tbody tr[data-bundle-id="com.tencent.xin"] button');
      await page.waitFor(() => document.querySelector('#timeline canvas') && document.querySelector('#heatmap canvas'), { timeout: 30_000, what: '#timeline and #heatmap canvases' });
      assert.equal(await page.attribute('#app-view', 'data-bundle-id'), 'com.tencent.xin');
    });

    test('Save: the apps table is the CLI’s apps.csv, byte for byte', { timeout: TEST_TIMEOUT }, async () => {
      // A download is out of WebDriver's reach; the Blob the page makes for it is not.
      await page.evaluate(() => {
        window.__saved = [];
        const create = URL.createObjectURL;
        URL.createObjectURL = (blob) => {
          blob.text().then((text) => window.__saved.push(text));
          return create.call(URL, blob);
        };
      });
      await page.click('#tab-export');
      await page.click('[data-export="apps.csv"]');
      const [saved] = await page.waitFor(() => window.__saved.length > 0 && window.__saved, { timeout: 30_000, what: 'the saved file' });
      const dir = await scratch();
      execFileSync(CLI, ['analyze', '--csv', dir, EXAMPLE], { stdio: 'ignore' });
      assert.equal(saved, await readFile(join(dir, 'apps.csv'), 'utf8'));
    });

    test('a PNG beside a good export: the export is shown, the PNG named', { timeout: TEST_TIMEOUT }, async () => {
      const dir = await scratch();
      const png = join(dir, 'holiday.png');
      await writeFile(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
      const good = join(dir, 'week.ndjson');
      execFileSync(CLI, ['generate', '--seed', '5', '--days', '3', '-o', good]);
      assert.equal(await pick([png, good]), 'done');
      assert.match(await page.text('#message'), /holiday\.png/);
      assertMatches(await page.evaluate(shown), cliReport([png, good]));
    });

    test('no error logged, nothing loaded from another origin', async () => {
      assert.deepEqual(await page.evaluate(() => window.__problems), []);
      const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
      assert.ok(resources.length > 0, 'the page loaded its scripts and data');
      assert.deepEqual(resources.filter((url) => !url.startsWith(site.origin + '/')), []);
    });

    test('the single file, opened from disk (file://), analyses a real export as the CLI does', { timeout: TEST_TIMEOUT }, async () => {
      const fixtures = realFixtures();
      const files = fixtures ? fixtures.filter((f) => f.endsWith('.ndjson')) : [EXAMPLE];
      await page.open(pathToFileURL(await singleFile()).href);
      await page.waitFor(() => document.querySelector('main')?.dataset.engine === 'ready', { timeout: 60_000, what: 'main[data-engine=ready] from file://' });
      assert.equal(await pick(files), 'done');
      assertMatches(await page.evaluate(shown), cliReport(files));
      assert.equal(await page.attribute('main', 'data-analysis'), 'worker', 'the analysis ran off the main thread');
    });
  });
}

/**
 * Run in the page right after it loads: records console errors, uncaught errors, rejected
 * promises, failed resource loads and CSP violations in `window.__problems`. (WebDriver
 * classic cannot read the console, and WebKit has no WebDriver BiDi.)
 */
function watchForProblems() {
  window.__problems = [];
  const consoleError = console.error;
  console.error = (...parts) => {
    window.__problems.push(`console: ${parts.join(' ')}`);
    consoleError.apply(console, parts);
  };
  // Capturing: a failed <script> or <img> load does not bubble.
  addEventListener('error', (event) => window.__problems.push(`error: ${event.message ?? event.target?.src ?? event.target?.href}`), true);
  addEventListener('unhandledrejection', (event) => window.__problems.push(`unhandled rejection: ${event.reason}`));
  document.addEventListener('securitypolicyviolation', (event) => window.__problems.push(`CSP: ${event.violatedDirective} ${event.blockedURI}`));
}

/** Run in the page: the findings and each app row's cells. */
function shown() {
  return {
    findings: [...document.querySelectorAll('#findings li.finding')].map((li) => `${li.dataset.rule} ${li.dataset.bundleId} ${li.dataset.category}`).sort(),
    apps: Object.fromEntries([...document.querySelectorAll('#apps tbody tr')].map((tr) => [tr.dataset.bundleId, [...tr.cells].map((cell) => cell.textContent)])),
  };
}

/** Asserts that the page shows the CLI's findings, apps and each app's numbers. */
function assertMatches(view, expected) {
  assert.deepEqual(view.findings, expected.findings.map((f) => `${f.rule} ${f.bundle_id} ${f.category ?? ''}`).sort(), 'findings');
  assert.deepEqual(Object.keys(view.apps).sort(), expected.apps.map((a) => a.bundle_id).sort(), 'apps');
  for (const app of expected.apps) {
    // The columns of the apps table, as in e2e/page.test.mjs.
    const cells = view.apps[app.bundle_id].map(number);
    const sum = (key) => app.access.reduce((total, c) => total + c[key], 0);
    assert.deepEqual(
      [cells[2], cells[3], cells[5], cells[6], cells[8], cells[9]],
      [sum('intervals') + sum('events'), sum('quiet_hours'), app.network.domains, app.network.hits, app.network.tracker_domains, app.network.third_party_companies.length],
      `${app.bundle_id}: accesses, quiet hours, domains, hits, trackers, companies`,
    );
  }
}
