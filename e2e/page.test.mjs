// The page end to end in Chromium, served under a sub-path: the example, real exports
// (several at once), broken files, the app view and its charts, quiet hours, Cancel; the
// numbers in the DOM must equal the CLI's JSON for the same files, and not one request may
// leave the page's origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serve, launch, open, settled, cliReport, realFixtures, scratch, screenshot, number, WWW, CLI } from './harness.mjs';
import { shownReport, assertMatches } from './report-view.mjs';

let site;
let browser;
let page;

before(async () => {
  site = await serve();
  browser = await launch(site.origin);
  page = await open(browser.context, site.url);
});

after(async () => {
  await browser?.context.close();
  site?.server.close();
});

test('the example report shows every finding rule, and the same numbers as the CLI', async () => {
  await page.click('#example');
  assert.equal(await settled(page), 'done');
  const view = await shownReport(page);
  assertMatches(view, cliReport([join(WWW, 'example.ndjson')]));
  for (const rule of ['quiet_hours_access', 'frequent_access', 'long_access', 'flagged_domains']) {
    assert.ok(view.findings.some((f) => f.startsWith(`${rule} `)), `the example triggers ${rule}`);
  }
  await screenshot(page, 'desktop-findings');
});

test('several real exports at once: the same numbers as the CLI', async (t) => {
  const fixtures = realFixtures();
  if (!fixtures) return t.skip('real fixtures absent');
  await page.setInputFiles('#file', fixtures);
  assert.equal(await settled(page), 'done');
  assertMatches(await shownReport(page), cliReport(fixtures));
  const rows = await page.$$eval('#files tbody tr', (trs) => trs.map((tr) => tr.cells[1].textContent));
  assert.deepEqual(rows, ['iOS 15 beta 1', 'iOS 15.2–17', 'iOS 15.2–17']);
});

test('an apps table longer than a task builds (the real exports with the example: 70 apps) holds each app once, in order, and sorts', async (t) => {
  const fixtures = realFixtures();
  if (!fixtures) return t.skip('real fixtures absent');
  const files = [...fixtures, join(WWW, 'example.ndjson')];
  const expected = cliReport(files);
  assert.ok(expected.apps.length > 50, `${expected.apps.length} apps, more than one task's 50`);
  await page.setInputFiles('#file', files);
  assert.equal(await settled(page), 'done');
  assertMatches(await shownReport(page), expected);
  const column = (i) => page.$$eval('#apps tbody tr', (trs, i) => trs.map((tr) => tr.cells[i].textContent), i);
  const accesses = async () => (await column(2)).map(number);
  const most = await accesses();
  assert.deepEqual(most, [...most].sort((a, b) => b - a), 'most accesses first');
  await page.click('#tab-apps');
  await page.click('#apps thead th:nth-child(3) button');
  const fewest = await accesses();
  assert.deepEqual(fewest, [...fewest].sort((a, b) => a - b), 'fewest accesses first after a click');
  const ids = await page.$$eval('#apps tbody tr', (trs) => trs.map((tr) => tr.dataset.bundleId));
  assert.deepEqual(ids.sort(), expected.apps.map((a) => a.bundle_id).sort(), 'each app once');
  await page.click('#apps thead th:nth-child(3) button');
  assert.deepEqual(await accesses(), most, 'most first again');
  await page.click('#tab-findings');
});

test('the reading worker digests the slices; where it cannot start, the analysis worker reads alone, with the same numbers', async () => {
  const dir = await scratch();
  const file = join(dir, 'weeks.ndjson');
  execFileSync(CLI, ['generate', '--seed', '9', '--size', '13M', '-o', file]);
  const expected = cliReport([file]);
  const timing = async (page) => JSON.parse(await page.$eval('main', (main) => main.dataset.timing));

  await page.setInputFiles('#file', file);
  assert.equal(await settled(page), 'done');
  const digested = await timing(page);
  assert.ok(digested.slices >= 3 && digested.digested >= 1, JSON.stringify(digested));
  assertMatches(await shownReport(page), expected);

  // The site with a reading worker that fails as it starts.
  const copy = join(dir, 'site');
  await cp(WWW, copy, { recursive: true });
  await writeFile(join(copy, 'reader.js'), 'throw new Error("no reading worker here");\n');
  const broken = await serve({}, copy);
  const other = await launch(broken.origin);
  try {
    const alone = await open(other.context, broken.url);
    await alone.setInputFiles('#file', file);
    assert.equal(await settled(alone), 'done');
    assert.equal((await timing(alone)).digested, 0);
    assertMatches(await shownReport(alone), expected);
  } finally {
    await other.context.close();
    broken.server.close();
  }
});

test('a broken file beside a good one: the good one is shown, the broken one named', async () => {
  const dir = await scratch();
  const png = join(dir, 'holiday.png');
  await writeFile(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  const good = join(dir, 'week.ndjson');
  execFileSync(CLI, ['generate', '--seed', '5', '--days', '3', '-o', good]);
  const broken = join(dir, 'damaged.ndjson');
  const lines = (await import('node:fs')).readFileSync(good, 'utf8').split('\n');
  lines.splice(10, 0, '{"type":"access", this is not json');
  await writeFile(broken, lines.join('\n'));

  await page.setInputFiles('#file', [png, broken]);
  assert.equal(await settled(page), 'done');
  const view = await shownReport(page);
  assert.match(view.message, /holiday\.png/);
  assertMatches(view, cliReport([png, broken]));
  await page.click('#tab-overview');
  await page.click('#diagnostics-box summary');
  const diagnostic = await page.$eval('#diagnostics tbody tr', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.deepEqual(diagnostic.slice(0, 2), ['damaged.ndjson', '11']);

  await page.setInputFiles('#file', [png]);
  assert.equal(await settled(page), 'error');
  assert.match((await shownReport(page)).message, /holiday\.png/);
});

test('the app view: categories, a timeline and a heatmap; quiet hours recomputed without rereading', async () => {
  await page.click('#example');
  assert.equal(await settled(page), 'done');
  await page.click('#tab-apps');
  await page.click('#apps tbody tr[data-bundle-id="com.tencent.xin"] button');
  await page.waitForSelector('#timeline canvas');
  await page.waitForSelector('#heatmap canvas');
  const categories = await page.$$eval('#app-categories tbody tr', (trs) => trs.map((tr) => tr.dataset.category));
  const expected = cliReport([join(WWW, 'example.ndjson')]);
  const wechat = expected.apps.find((a) => a.bundle_id === 'com.tencent.xin');
  assert.deepEqual(categories, wechat.access.map((c) => c.category));
  await page.waitForSelector('#app-domains tbody tr');
  const domains = await page.$$eval('#app-domains tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent, tr.cells[2].textContent]));
  assert.deepEqual(domains.map(([domain, hits]) => [domain, number(hits)]), wechat.network.by_domain.map((d) => [d.domain, d.hits]));
  for (const [[, , owner], d] of domains.map((row, i) => [row, wechat.network.by_domain[i]])) {
    if (d.owner) assert.ok(owner.startsWith(d.owner), `${d.domain}: ${owner} vs ${d.owner}`);
  }
  // Trackers only: exactly the tracker domains stay visible.
  await page.check('#app-trackers-only');
  const visible = await page.$$eval('#app-domains tbody tr:not([hidden])', (trs) => trs.map((tr) => tr.cells[0].textContent));
  assert.deepEqual(visible, wechat.network.by_domain.filter((d) => d.tracker).map((d) => d.domain));
  await page.uncheck('#app-trackers-only');
  await screenshot(page, 'desktop-app');

  await page.fill('#quiet-start', '22:00');
  await page.fill('#quiet-end', '07:00');
  await page.dispatchEvent('#quiet-end', 'change');
  const late = cliReport([join(WWW, 'example.ndjson')], ['--quiet-hours', '22:00-07:00']);
  const quiet = late.apps.find((a) => a.bundle_id === 'com.tencent.xin').access.find((c) => c.category === 'photos').quiet_hours;
  await page.waitForFunction((n) => document.querySelector('#app-categories tbody tr[data-category=photos]')?.cells[2].textContent === String(n), quiet);
  await page.fill('#quiet-start', '00:00');
  await page.fill('#quiet-end', '06:00');
  await page.dispatchEvent('#quiet-end', 'change');
});

test('phone size: the findings fit the screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('#tab-findings');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await screenshot(page, 'phone-findings');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('Cancel stops a large analysis within a second and the page stays usable', async () => {
  const big = join(await scratch(), 'big.ndjson');
  execFileSync(CLI, ['generate', '--size', '300M', '-o', big]);
  await page.setInputFiles('#file', [big]);
  await page.waitForFunction(() => document.getElementById('progress-bar').value > 0);
  const started = Date.now();
  await page.click('#cancel');
  assert.equal(await settled(page, ['idle'], 1000), 'idle');
  assert.ok(Date.now() - started < 1000);
  await page.click('#example');
  assert.equal(await settled(page), 'done');
});

test('not one request left the origin, none carried file content, no CSP violation', async () => {
  const foreign = browser.requests.filter((r) => !r.url.startsWith(site.origin + '/'));
  assert.deepEqual(foreign.map((r) => r.url), []);
  assert.deepEqual(browser.requests.filter((r) => r.method !== 'GET' || r.body).map((r) => r.url), []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(browser.problems, []);
});
