// `make bench-web`: time from handing a generated export to the page until
// <main data-state=done>, in headless Chromium, with the renderer's peak memory (page,
// worker and wasm) and the longest main-thread task; next to the plain-JavaScript way
// (JSON.parse per line, e2e/bench/plain-worker.js) in the same browser in the same run.
// Prints figures; asserts nothing (timings belong to the machine).
//
//   node e2e/bench/bench.mjs [SIZE...]     sizes as for `privacy-lens generate --size` (default 100M)

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { serve, launch, settled, CLI } from '../harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const sizes = process.argv.slice(2).length ? process.argv.slice(2) : ['100M'];
const site = await serve({ '/bench/': import.meta.dirname });

for (const size of sizes) {
  const file = join(os.tmpdir(), `privacy-lens-bench-${size}.ndjson`);
  if (!existsSync(file)) execFileSync(CLI, ['generate', '--size', size, '-o', file]);
  const megabytes = statSync(file).size / 1e6;
  console.log(`\n${size} generated export: ${megabytes.toFixed(1)} MB, best of ${RUNS} runs (fresh browser each)`);
  const results = {};
  for (const [name, path] of [['Privacy Lens (wasm)', 'privacy-lens/'], ['plain JavaScript', 'bench/plain.html']]) {
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await measure(site.url.replace('privacy-lens/', path), file));
    const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const peak = Math.max(...runs.map((r) => r.peakMiB));
    const longest = Math.max(...runs.map((r) => r.longestTaskMs));
    results[name] = best;
    console.log(`  ${name.padEnd(20)} ${(megabytes / best.seconds).toFixed(0).padStart(5)} MB/s  (${best.seconds.toFixed(2)} s; runs ${runs.map((r) => r.seconds.toFixed(2)).join(', ')})  renderer peak ${peak.toFixed(0)} MiB  longest main-thread task ${longest.toFixed(0)} ms`);
  }
  const [ours, plain] = Object.values(results);
  console.log(`  ratio: Privacy Lens is ${(plain.seconds / ours.seconds).toFixed(1)}× the plain-JavaScript way`);
}
site.server.close();

/** One run in a fresh browser: seconds from the file input's change to data-state=done. */
async function measure(url, file) {
  const browser = await launch(new URL(url).origin);
  try {
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => !document.querySelector('main').dataset.engine || document.querySelector('main').dataset.engine === 'ready');
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => { window.__longest = Math.max(window.__longest, e.duration); })).observe({ type: 'longtask' });
      document.getElementById('file').addEventListener('change', () => { window.__start = performance.now(); }, { capture: true });
      new MutationObserver(() => {
        if (document.querySelector('main').dataset.state === 'done') window.__end ??= performance.now();
      }).observe(document.querySelector('main'), { attributes: true });
    });
    await page.setInputFiles('#file', file);
    const state = await settled(page, ['done', 'error'], 600_000);
    if (state !== 'done') throw new Error(`${url}: ended in state ${state}`);
    const { start, end, longest, timing } = await page.evaluate(() => ({ start: window.__start, end: window.__end, longest: window.__longest, timing: document.querySelector('main').dataset.timing }));
    const steps = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => `${m.name} ${m.duration.toFixed(0)} ms`));
    if (process.env.BENCH_VERBOSE) console.log('    worker', timing, 'steps', steps.join(', '));
    return { seconds: (end - start) / 1000, peakMiB: rendererPeakMiB(browser.profile), longestTaskMs: longest };
  } finally {
    await browser.context.close();
  }
}

/** The largest peak resident memory (VmHWM) among this browser's renderer processes. */
function rendererPeakMiB(profile) {
  let peak = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!command.includes('--type=renderer')) continue;
      const parent = readFileSync(`/proc/${readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]}/cmdline`, 'utf8');
      if (!parent.includes(profile) && !command.includes(profile)) continue;
      const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kib / 1024);
    } catch {
      // the process ended meanwhile
    }
  }
  return peak;
}
