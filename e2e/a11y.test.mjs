// Everyone: an automated accessibility check (npm axe-core) of every view, in both languages
// and both colour schemes, with no serious or critical violation; and the page works from the
// keyboard alone (files, tabs, an app, back).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, open, settled, ROOT } from './harness.mjs';

let site;
let browser;
let page;
let axeSource;

before(async () => {
  site = await serve();
  browser = await launch(site.origin);
  page = await open(browser.context, site.url);
  axeSource = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
});

after(async () => {
  await browser?.context.close();
  site?.server.close();
});

/** Serious and critical violations of WCAG 2.x A/AA rules on the page as it is now. */
async function violations(where) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: axe is
  // a test tool, never part of the page.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('no serious accessibility violation in any view, in English and Chinese, light and dark', async () => {
  const found = [];
  await page.click('#example');
  assert.equal(await settled(page), 'done');
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    for (const language of ['en', 'zh-Hans']) {
      await page.selectOption('#language', language);
      for (const tab of ['findings', 'overview', 'apps', 'network', 'companies', 'trends', 'compare', 'export']) {
        await page.click(`#tab-${tab}`);
        if (tab === 'trends') await page.waitForSelector('#weekly canvas');
        if (tab === 'compare') {
          await page.click('#compare-form button[type=submit]');
          await page.waitForFunction(() => document.getElementById('view-compare').dataset.state === 'done');
        }
        found.push(...await violations(`${colorScheme} ${language} ${tab}`));
      }
      await page.click('#tab-apps');
      await page.click('#apps tbody tr[data-bundle-id="com.tencent.xin"] button');
      await page.waitForSelector('#timeline canvas');
      found.push(...await violations(`${colorScheme} ${language} app view`));
      await page.click('#app-back');
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.selectOption('#language', 'en');
  assert.deepEqual([...new Set(found)], []);
});

test('the keyboard alone reaches everything: the example, the tabs, an app and back', async () => {
  await page.reload();
  await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready');
  await page.focus('#example');
  await page.keyboard.press('Enter');
  assert.equal(await settled(page), 'done');
  await page.focus('#tab-findings');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-overview');
  assert.equal(await page.$eval('#view-overview', (v) => v.hidden), false);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Tab');
  // From the Apps tab, Tab goes on into the settings and the view: reach the first app.
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.classList.contains('app-name'));
  }
  assert.ok(reached, 'an app row is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#app-view:not([hidden])');
  await page.waitForFunction(() => document.activeElement.id === 'app-title', null, { timeout: 5000 });
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'app-back');
  await page.keyboard.press('Enter');
  assert.equal(await page.$eval('#app-view', (v) => v.hidden), true);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('app-name')), 'focus is back on the app row');
  // Every control has a visible focus ring.
  const outline = await page.evaluate(() => { document.getElementById('tab-apps').focus(); const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; });
  assert.ok(outline, 'focus is visible');
});
