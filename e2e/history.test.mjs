// History beyond one export, end to end in Chromium: weekly exports merged with their gaps
// and trends, comparisons (split at a date, and against other files), every file the page
// saves (each equal to what the CLI writes for the same inputs), the print layout, and the
// opt-in keeping of exports with "forget everything". Not one request leaves the origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';
import { serve, launch, open, settled, cliReport, scratch, screenshot, CLI, ARTIFACTS } from './harness.mjs';

let site;
let browser;
let page;
let dir;
/** Two overlapping exports of a fortnight in which WeChat changes on day 7, and a later one after a gap. */
let first;
let second;
let later;

before(async () => {
  site = await serve();
  browser = await launch(site.origin);
  page = await open(browser.context, site.url);
  dir = await scratch();
  const window = (name, from, to, days = 14) => {
    const file = join(dir, name);
    execFileSync(CLI, ['generate', '--seed', '2021', '--days', String(days), '--change-day', '7', '--window', `${from}..${to}`, '-o', file]);
    return file;
  };
  first = window('week-1.ndjson', 0, 8);
  second = window('week-2.ndjson', 6, 14);
  later = window('week-4.ndjson', 21, 28, 28);
});

after(async () => {
  await browser?.context.close();
  site?.server.close();
});

async function load(files) {
  await page.setInputFiles('#file', files);
  assert.equal(await settled(page), 'done');
}

test('weekly exports read as one history: files, gaps and weekly trends as the CLI computes them', async () => {
  await load([second, later, first]);
  const expected = cliReport([second, later, first]);
  assert.equal(expected.coverage.gaps.length, 1);
  await page.click('#tab-overview');
  const gaps = await page.$$eval('#gaps li', (items) => items.map((li) => li.textContent));
  assert.deepEqual(gaps, expected.coverage.gaps.map((g) => `${g.first} to ${g.last} (${g.days} days)`));
  assert.equal(await page.$$eval('#files tbody tr', (rows) => rows.length), 3);

  await page.click('#tab-trends');
  await page.waitForSelector('#weekly canvas');
  // The table, the chart's alternative, is built when it is opened.
  assert.equal(await page.$$eval('#weekly-table tbody tr', (rows) => rows.length), 0);
  await page.click('#view-trends details.alternative summary');
  await page.waitForSelector('#weekly-table[data-built]');
  const table = await page.$$eval('#weekly-table tbody tr', (rows) => rows.map((tr) => [tr.cells[0].textContent, [...tr.cells].slice(1).map((c) => c.textContent)]));
  const weeks = await page.$$eval('#weekly-table thead th', (ths) => ths.slice(1).map((th) => th.textContent.replace('Week of ', '')));
  const series = expected.apps.flatMap((a) => a.access.filter((c) => c.intervals > 0));
  assert.equal(table.length, series.length, 'a row per app and kind of data');
  const wechat = expected.apps.find((a) => a.bundle_id === 'com.tencent.xin').access.find((c) => c.category === 'photos');
  const row = table.find(([name]) => name === 'WeChat · Photos')[1];
  for (const week of wechat.by_week) assert.equal(row[weeks.indexOf(week.week)], `${week.intervals} (${week.quiet_hours} quiet)`);
  assert.equal(row[weeks.indexOf('2021-10-18')], 'no data', 'the week no export covers is not a zero');
  await page.selectOption('#trend-pick', { label: 'WeChat · Photos' });
  await screenshot(page, 'trends');

  // The app view's daily chart shades the gap; its table lists the days.
  await page.click('#tab-apps');
  await page.click('#apps tbody tr[data-bundle-id="com.tencent.xin"] button');
  await page.waitForSelector('#daily canvas');
  // The chart's table is built when it is opened.
  assert.equal(await page.$$eval('#daily-table tbody tr', (rows) => rows.length), 0, 'no table rows before the table is opened');
  await page.click('#daily-table >> xpath=ancestor::details >> summary');
  await page.waitForSelector('#daily-table[data-built="com.tencent.xin"]');
  const days = await page.$$eval('#daily-table tbody tr', (rows) => rows.filter((tr) => tr.cells[1].textContent === 'Photos').map((tr) => [tr.cells[0].textContent, Number(tr.cells[2].textContent)]));
  const full = JSON.parse(execFileSync(CLI, ['analyze', '--json', second, later, first]).toString());
  const photos = full.apps.find((a) => a.bundle_id === 'com.tencent.xin').access.find((c) => c.category === 'photos');
  assert.deepEqual(days, photos.by_day.map((d) => [d.date, d.intervals]));
  await screenshot(page, 'app-daily');
  await page.click('#app-back');
});

/** The comparison table as shown: [bundle ID, category, status] per row, and the lists. */
async function comparisonShown() {
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('view-compare').dataset.state));
  return page.evaluate(() => {
    for (const button of document.querySelectorAll('#changes tr.more button')) button.click();
    const list = (id) => [...document.querySelectorAll(`#${id} li:not(.empty)`)].map((li) => li.textContent);
    return {
      state: document.getElementById('view-compare').dataset.state,
      rows: [...document.querySelectorAll('#changes tbody tr[data-bundle-id]')].map((tr) => `${tr.dataset.bundleId} ${tr.dataset.category} ${tr.dataset.status}`),
      domainsAppeared: list('domains-appeared'),
      domainsDisappeared: list('domains-disappeared'),
      newCompanies: list('new-companies'),
    };
  });
}

function assertComparison(shown, expected) {
  assert.equal(shown.state, 'done');
  assert.deepEqual(shown.rows, expected.changes.map((c) => `${c.bundle_id} ${c.category} ${c.status}`), 'changes, biggest first');
  assert.deepEqual(shown.domainsAppeared, expected.domains_appeared);
  assert.deepEqual(shown.domainsDisappeared, expected.domains_disappeared);
  assert.equal(shown.newCompanies.length, expected.new_third_parties.length);
}

test('compare: one history split at a date, and the history against later exports, as the CLI compares them', async () => {
  await load([first, second]);
  await page.click('#tab-compare');
  await page.fill('#split-at', '2021-10-11');
  await page.click('#compare-form button[type=submit]');
  const split = JSON.parse(execFileSync(CLI, ['compare', '--json', '--split-at', '2021-10-11', first, second]).toString());
  assertComparison(await comparisonShown(), split);
  // The planted change, as a reader sees it: WeChat's night reads of photos stopped.
  const wechat = await page.$eval('#changes tr[data-bundle-id="com.tencent.xin"][data-category="photos"]', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.equal(wechat[6], '0%', 'no quiet-hours share after');
  assert.ok(Number(wechat[5].replace('%', '')) > 0, 'a quiet-hours share before');
  await screenshot(page, 'compare');

  await load([first]);
  await page.click('#tab-compare');
  await page.setInputFiles('#compare-file', [second]);
  const two = JSON.parse(execFileSync(CLI, ['compare', '--json', '--before', first, '--after', second]).toString());
  assertComparison(await comparisonShown(), two);
  assert.equal(await page.$eval('main', (m) => m.dataset.state), 'done', 'the results stay');

  // A file that is not an export: the comparison says so, the results stay.
  const png = join(dir, 'photo.png');
  await import('node:fs/promises').then((fs) => fs.writeFile(png, Buffer.from('89504e470d0a1a0a', 'hex')));
  await page.setInputFiles('#compare-file', [png]);
  assert.equal((await comparisonShown()).state, 'error');
  assert.match(await page.$eval('#message', (m) => m.textContent), /None of these files is an App Privacy Report export/);
  assert.equal(await page.$eval('main', (m) => m.dataset.state), 'done');
});

/** Clicks a save button; returns the downloaded file's name and text. */
async function saved(name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export="${name}"]`)]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

test('every saved file is what the CLI writes for the same exports', async () => {
  await load([first, second]);
  await page.click('#tab-export');
  const csvDir = await mkdtemp(join(os.tmpdir(), 'privacy-lens-csv-'));
  execFileSync(CLI, ['analyze', '--csv', csvDir, first, second]);
  assert.deepEqual((await readdir(csvDir)).sort(), ['access.csv', 'apps.csv', 'domains.csv', 'intervals.csv']);
  for (const name of ['intervals.csv', 'access.csv', 'apps.csv', 'domains.csv']) {
    const file = await saved(name);
    assert.equal(file.name, `privacy-lens-${name.replace('.csv', '')}-2021-10-04-to-2021-10-17.csv`);
    assert.equal(file.text, await readFile(join(csvDir, name), 'utf8'), name);
  }
  const json = await saved('report.json');
  // Run where the files are, so that the CLI names them as the page does.
  const expected = JSON.parse(execFileSync(CLI, ['analyze', '--json', 'week-1.ndjson', 'week-2.ndjson'], { cwd: dir }).toString());
  assert.deepEqual(JSON.parse(json.text), expected);
  for (const [button, format] of [['hosts.txt', 'hosts'], ['adblock.txt', 'adblock']]) {
    const file = await saved(button);
    assert.equal(file.text, execFileSync(CLI, ['analyze', '--blocklist', format, first, second]).toString(), button);
    assert.ok(file.text.includes('app-measurement.com'), `${button} lists the tracker WeChat began to contact`);
  }
});

test('print: every view on paper, the controls left out', async () => {
  await page.emulateMedia({ media: 'print' });
  try {
    const shown = await page.evaluate(() => Object.fromEntries(
      ['view-findings', 'view-overview', 'view-apps', 'view-network', 'view-companies', 'view-trends', 'view-export'].map((id) => [id, getComputedStyle(document.getElementById(id)).display !== 'none'])));
    assert.deepEqual(shown, { 'view-findings': true, 'view-overview': true, 'view-apps': true, 'view-network': true, 'view-companies': true, 'view-trends': true, 'view-export': false });
    assert.equal(await page.$eval('.tabs', (tabs) => getComputedStyle(tabs).display), 'none');
    await page.pdf({ path: join(ARTIFACTS, 'report.pdf'), format: 'A4' });
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
});

test('keeping exports is opt-in, adds next week\'s export, and "forget everything" removes it all', async () => {
  const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
  await page.reload();
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready');
  await load([first]);
  assert.deepEqual(await databases(), [], 'nothing stored by default');
  await page.check('#keep');
  await page.waitForSelector('#kept:not([hidden])');
  await page.reload();
  await page.waitForSelector('#kept:not([hidden])');
  assert.match(await page.$eval('#kept-text', (p) => p.textContent), /^1 export is kept/);
  assert.equal(await page.$eval('#keep', (box) => box.checked), true);
  // Next week's export is read together with the kept one, and kept too.
  await load([second]);
  assert.deepEqual(await page.$$eval('#files tbody tr td:first-child', (cells) => cells.map((c) => c.textContent)), ['week-1.ndjson', 'week-2.ndjson']);
  await page.reload();
  await page.waitForSelector('#kept:not([hidden])');
  assert.match(await page.$eval('#kept-text', (p) => p.textContent), /^2 exports are kept/);
  await page.click('#kept-open');
  assert.equal(await settled(page), 'done');
  const merged = cliReport([first, second]);
  assert.equal(await page.$$eval('#apps tbody tr', (rows) => rows.length), merged.apps.length);

  await page.click('#forget');
  await page.waitForSelector('#kept[hidden]', { state: 'attached' });
  assert.deepEqual(await databases(), []);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready');
  assert.equal(await page.$eval('#kept', (box) => box.hidden), true);
  assert.equal(await page.$eval('#keep', (box) => box.checked), false);
  assert.deepEqual(await databases(), []);
});

test('no request left the origin during any of it', async () => {
  const foreign = browser.requests.filter((r) => !r.url.startsWith(site.origin + '/') && !r.url.startsWith('blob:' + site.origin + '/'));
  assert.deepEqual(foreign.map((r) => r.url), []);
  assert.deepEqual(browser.requests.filter((r) => r.method !== 'GET' || r.body).map((r) => r.url), []);
  assert.deepEqual(browser.requests.filter((r) => /weixin|tencent/i.test(decodeURIComponent(r.url))).map((r) => r.url), []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(browser.problems, []);
});
