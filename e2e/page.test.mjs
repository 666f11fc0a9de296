// The page end to end in Chromium, served under a sub-path: the example, real exports
// (several at once), broken files, the app view and its charts, quiet hours, Cancel; the
// numbers in the DOM must equal the CLI's JSON for the same files, and not one request may
// leave the page's origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serve, launch, open, settled, cliReport, realFixtures, scratch, screenshot, number, WWW, CLI } from './harness.mjs';

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

/** What the page shows: findings, app rows with their access counts, overview numbers. */
async function shown() {
  return page.evaluate(() => ({
    findings: [...document.querySelectorAll('#findings li.finding')].map((li) => `${li.dataset.rule} ${li.dataset.bundleId} ${li.dataset.category}`).sort(),
    apps: Object.fromEntries([...document.querySelectorAll('#apps tbody tr')].map((tr) => [tr.dataset.bundleId, [...tr.cells].map((cell) => cell.textContent)])),
    overview: Object.fromEntries([...document.querySelectorAll('#overview dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])),
    companies: [...document.querySelectorAll('#companies tbody tr')].map((tr) => [tr.cells[0].firstChild.textContent, Number(tr.cells[1].textContent.replace(/,/g, ''))]),
    message: document.getElementById('message').hidden ? '' : document.getElementById('message').textContent,
  }));
}

/** Asserts that the page shows exactly what the CLI computed. */
function assertMatches(view, expected) {
  const findings = expected.findings.map((f) => `${f.rule} ${f.bundle_id} ${f.category ?? ''}`).sort();
  assert.deepEqual(view.findings, findings, 'findings');
  assert.deepEqual(Object.keys(view.apps).sort(), expected.apps.map((a) => a.bundle_id).sort(), 'apps');
  for (const app of expected.apps) {
    const cells = view.apps[app.bundle_id];
    const accesses = app.access.reduce((sum, c) => sum + c.intervals + c.events, 0);
    const quiet = app.access.reduce((sum, c) => sum + c.quiet_hours, 0);
    assert.equal(number(cells[2]), accesses, `${app.bundle_id} accesses`);
    assert.equal(number(cells[3]), quiet, `${app.bundle_id} quiet hours`);
    assert.equal(number(cells[5]), app.network.domains, `${app.bundle_id} domains`);
    assert.equal(number(cells[6]), app.network.hits, `${app.bundle_id} hits`);
    assert.equal(number(cells[8]), app.network.tracker_domains, `${app.bundle_id} trackers`);
    assert.equal(number(cells[9]), app.network.third_party_companies.length, `${app.bundle_id} companies`);
    // The name, the Chinese name and the raw bundle ID are all shown.
    for (const part of [app.name, app.name_zh, app.bundle_id].filter(Boolean)) assert.ok(cells[0].includes(part), `${cells[0]} shows ${part}`);
  }
  assert.deepEqual(view.companies, expected.companies.map((c) => [c.company, c.apps.length]));
  assert.equal(number(view.overview['Apps']), expected.apps.length);
  assert.equal(number(view.overview['Network records']), expected.records.network);
  assert.equal(number(view.overview['Skipped lines'].split(';')[0]), expected.records.skipped);
  assert.equal(number(view.overview['Duplicates'].split(' ')[0]), expected.records.duplicates);
}

test('the example report shows every finding rule, and the same numbers as the CLI', async () => {
  await page.click('#example');
  assert.equal(await settled(page), 'done');
  const view = await shown();
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
  assertMatches(await shown(), cliReport(fixtures));
  const rows = await page.$$eval('#files tbody tr', (trs) => trs.map((tr) => tr.cells[1].textContent));
  assert.deepEqual(rows, ['iOS 15 beta 1', 'iOS 15.2–17', 'iOS 15.2–17']);
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
  const view = await shown();
  assert.match(view.message, /holiday\.png/);
  assertMatches(view, cliReport([png, broken]));
  await page.click('#tab-overview');
  await page.click('#diagnostics-box summary');
  const diagnostic = await page.$eval('#diagnostics tbody tr', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.deepEqual(diagnostic.slice(0, 2), ['damaged.ndjson', '11']);

  await page.setInputFiles('#file', [png]);
  assert.equal(await settled(page), 'error');
  assert.match((await shown()).message, /holiday\.png/);
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
