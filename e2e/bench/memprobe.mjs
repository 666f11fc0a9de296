// Scratch (not committed): the renderer's private memory over time during one analysis.
import { readFileSync, readdirSync } from 'node:fs';
import { serve, launch, settled } from '../harness.mjs';
const site = await serve({});
const browser = await launch(new URL(site.url).origin);
const t0 = Date.now();
const log = [];
function sample(label = '') {
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes(browser.profile)) continue;
      const st = readFileSync(`/proc/${pid}/status`, 'utf8');
      const g = (k) => Number(new RegExp(k + ':\\s+(\\d+)').exec(st)?.[1] ?? 0) / 1024;
      if (g('RssAnon') > 40) log.push(`${((Date.now() - t0) / 1000).toFixed(1)}s pid ${pid} anon ${g('RssAnon').toFixed(0)} shmem ${g('RssShmem').toFixed(0)} file ${g('RssFile').toFixed(0)} ${label}`);
    } catch {}
  }
}
const page = browser.context.pages()[0] ?? await browser.context.newPage();
await page.goto(site.url);
await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready', null, { timeout: 60000 });
await page.evaluate(() => navigator.serviceWorker?.ready);
sample('ready');
const timer = setInterval(sample, 250);
await page.setInputFiles('#file', process.argv[2]);
await settled(page, ['done', 'error'], 600000);
clearInterval(timer);
sample('done');
await new Promise((r) => setTimeout(r, 2000));
sample('done+2s');
console.log(log.join('\n'));
console.log(await page.evaluate(() => document.querySelector('main').dataset.timing));
await browser.context.close();
site.server.close();
