// English and Simplified Chinese: the message catalogue is complete in both languages, and a
// page switched to Chinese shows no English text of its own anywhere (every view, the app
// view, a comparison), while strings from the files stay as written. The choice of language
// is remembered only when asked, and "forget everything" forgets it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serve, launch, open, settled, scratch, screenshot, WWW, CLI } from './harness.mjs';
import { en, zh } from '../www/messages.js';

/** Keys whose Chinese text may equal the English (names and symbols). */
const SAME_IN_BOTH = new Set(['badge.apple', 'time.offset', 'time.utc', 'state.unreadable', 'state.not-export']);
/** Key prefixes the page builds from data (a category, a rule id, a status). */
const DYNAMIC = ['category.', 'rule.', 'domain.', 'party.', 'generation.', 'finding.', 'compare.new', 'compare.gone', 'tab.', 'unit.'];

test('the catalogue: the same keys of the same kind in both languages, all Chinese, all used', async () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  const sources = (await Promise.all((await readdir(WWW)).filter((f) => /\.(js|html)$/.test(f)).map((f) => readFile(join(WWW, f), 'utf8')))).join('\n');
  const params = { n: 2, count: '2', size: '1 MB', p: 1, rank: 2, tied: 1, apps_compared: 5, activity: 'x', app: 'A', data: 'd', quiet_start: '00:00', quiet_end: '06:00', nights: 2, intervals: 3, days: 4, longest: '1 s', limit: '30 s', per_day: 2, busiest_day: '2021-10-04', busiest_day_intervals: 5, domains: 'a.com', hits: 3, owners: 'O', companies: 'C', context: '', period: 'p', files: 'f', covered: 1, gaps: 1, range: 'r', listed: '' };
  for (const key of Object.keys(en)) {
    assert.equal(typeof zh[key], typeof en[key], `${key}: a string in one language, a function in the other`);
    const text = typeof zh[key] === 'function' ? zh[key](params) : zh[key];
    assert.ok(text.trim().length > 0, `${key} is empty in Chinese`);
    if (!SAME_IN_BOTH.has(key) && key !== 'lang.name') assert.match(text, /[\u4e00-\u9fff]/, `${key} has no Chinese: ${text}`);
    const placeholders = (message) => (typeof message === 'string' ? [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : []);
    assert.deepEqual(placeholders(zh[key]), placeholders(en[key]), `${key}: the same placeholders`);
    const used = sources.includes(`'${key}'`) || sources.includes(`"${key}"`) || DYNAMIC.some((prefix) => key.startsWith(prefix)) || key === 'lang.name';
    assert.ok(used, `${key} is never used`);
  }
});

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

/** Latin-script words a Chinese page may show: names, formats and units, not sentences. */
const ALLOWED = new Set(['Privacy', 'Lens', 'App_Privacy_Report', 'App', 'Apple', 'iPhone', 'Safari', 'iOS', 'beta', 'UTC', 'CSV', 'JSON', 'PDF', 'Pi-hole', 'AdGuard', 'hosts', 'Ghostery', 'CC', 'BY-NC-SA', 'MIT', 'Apache', 'Apache-2.0', 'ECharts', 'IP', 'SDK', 'data', 'domainType', 'domainOwner', 'privacy-lens', 'App_Privacy_Report_', 'ndjson', 'json', 'txt', 'kB', 'MB', 'GB', 'B', 'AM', 'PM']);

/** Text on the page, outside what comes from the files (marked translate="no"), with Latin words not allowed. */
async function untranslated() {
  return page.evaluate((allowed) => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || element.closest('[translate="no"], script, style, [hidden], .visually-hidden')) continue;
      if (element.closest('details:not([open])') && !element.closest('summary')) continue;
      const words = node.textContent.match(/[A-Za-z][A-Za-z_.\-]*[A-Za-z]|[A-Za-z]/g) ?? [];
      const bad = words.filter((word) => !allowed.includes(word) && !/^[A-Za-z]$/.test(word));
      if (bad.length) found.push(`${element.tagName.toLowerCase()}#${element.id}: ${node.textContent.trim().slice(0, 80)}`);
    }
    return found;
  }, [...ALLOWED]);
}

test('in Chinese, no view shows English text of its own', async () => {
  const dir = await scratch();
  const files = [[0, 8], [6, 14]].map(([from, to]) => {
    const file = join(dir, `week-${from}.ndjson`);
    execFileSync(CLI, ['generate', '--seed', '2021', '--days', '14', '--change-day', '7', '--window', `${from}..${to}`, '-o', file]);
    return file;
  });
  await page.selectOption('#language', 'zh-Hans');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
  assert.deepEqual(await untranslated(), [], 'the start page');
  await page.setInputFiles('#file', files);
  assert.equal(await settled(page), 'done');
  const problems = [];
  for (const tab of ['findings', 'overview', 'apps', 'network', 'companies', 'trends', 'compare', 'export']) {
    await page.click(`#tab-${tab}`);
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    if (tab === 'compare') {
      await page.fill('#split-at', '2021-10-11');
      await page.click('#compare-form button[type=submit]');
      await page.waitForFunction(() => document.getElementById('view-compare').dataset.state === 'done');
    }
    problems.push(...(await untranslated()).map((p) => `${tab}: ${p}`));
  }
  await page.click('#tab-apps');
  await page.click('#apps tbody tr[data-bundle-id="com.tencent.xin"] button');
  await page.waitForSelector('#timeline canvas');
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  problems.push(...(await untranslated()).map((p) => `app view: ${p}`));
  assert.deepEqual(problems, []);
  // The findings are written in Chinese from their rule and parameters.
  const finding = await page.$eval('#findings li.finding[data-rule="quiet_hours_access"] p:nth-of-type(2)', (p) => p.textContent);
  assert.match(finding, /在静默时段/);
  // No English sentence of the catalogue is left anywhere in the page.
  const body = await page.evaluate(() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) if (!node.parentElement?.closest('[translate="no"]')) texts.push(node.textContent);
    return texts.join('\n');
  });
  const longestLiteral = (text) => text.split(/\{\w+\}/).sort((a, b) => b.length - a.length)[0];
  const leftovers = Object.entries(en).filter(([key, text]) => typeof text === 'string' && !SAME_IN_BOTH.has(key) && longestLiteral(text).length > 8 && body.includes(longestLiteral(text)));
  assert.deepEqual(leftovers.map(([key]) => key), []);
  await page.click('#app-back');
  await page.click('#tab-findings');
  await screenshot(page, 'chinese');
});

test('the choice is remembered only when asked, and forgotten with everything else', async () => {
  await page.reload();
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'not remembered unless asked');
  await page.selectOption('#language', 'zh-Hans');
  await page.check('#language-remember');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
  assert.equal(await page.$eval('#language-remember', (box) => box.checked), true);
  await page.click('#forget');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.evaluate(() => localStorage.length), 0);
});
