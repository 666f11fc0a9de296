// `make bench-web`: time from handing a generated export to the page until
// <main data-state=done>, in headless Chromium, with the renderer's peak memory (page,
// worker and wasm) and the longest main-thread task; next to the plain-JavaScript way
// (JSON.parse per line, e2e/bench/plain-worker.js) and to reading the file alone
// (e2e/bench/read-worker.js), in the same browser in the same run.
// Prints figures; asserts nothing (timings belong to the machine).
//
//   node e2e/bench/bench.mjs [SIZE...]     sizes as for `privacy-lens generate --size` (default 100M)
//
// Environment: BENCH_RUNS (default 3), BENCH_VERBOSE=1 (the worker's timing and each render
// step), BENCH_PLAIN=0 (skip the plain-JavaScript baseline and reading alone, for quick comparisons),
// BENCH_TRACE=DIR (a Chrome trace of each run of the page, for chrome://tracing or Perfetto).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync, createWriteStream } from 'node:fs';
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
  const ways = [['Privacy Lens (wasm)', 'privacy-lens/'], ['plain JavaScript', 'bench/plain.html'], ['reading only', 'bench/plain.html?read']];
  for (const [name, path] of process.env.BENCH_PLAIN === '0' ? ways.slice(0, 1) : ways) {
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await measure(site.url.replace('privacy-lens/', path), file));
    const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const peak = Math.max(...runs.map((r) => r.peakMiB));
    const privatePeak = Math.max(...runs.map((r) => r.privateMiB));
    const longest = Math.max(...runs.map((r) => r.longestTaskMs));
    results[name] = best;
    console.log(`  ${name.padEnd(20)} ${(megabytes / best.seconds).toFixed(0).padStart(5)} MB/s  (${best.seconds.toFixed(2)} s; runs ${runs.map((r) => r.seconds.toFixed(2)).join(', ')})  renderer peak ${peak.toFixed(0)} MiB (private ${privatePeak.toFixed(0)} MiB)  longest main-thread task ${longest ? `${longest.toFixed(0)} ms` : 'under 50 ms (none reported)'}`);
  }
  const [ours, plain, reading] = Object.values(results);
  if (plain) console.log(`  ratio: Privacy Lens is ${(plain.seconds / ours.seconds).toFixed(1)}× the plain-JavaScript way, and takes ${(ours.seconds / reading.seconds).toFixed(1)}× the time of reading alone`);
}
site.server.close();

/** One run in a fresh browser: seconds from the file input's change to data-state=done. */
async function measure(url, file) {
  const browser = await launch(new URL(url).origin);
  try {
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    await page.goto(url);
    // As a user would: the file is picked once the page is loaded, its engine warmed up
    // (data-engine=ready) and its offline copy installed (which otherwise competes for the
    // CPU). The plain-JavaScript page has neither.
    if (url.includes('privacy-lens/')) {
      await page.waitForFunction(() => document.querySelector('main').dataset.engine === 'ready', null, { timeout: 60_000 });
      await page.evaluate(() => navigator.serviceWorker?.ready);
    }
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => { window.__longest = Math.max(window.__longest, e.duration); })).observe({ type: 'longtask' });
      document.getElementById('file').addEventListener('change', () => { window.__start = performance.now(); }, { capture: true });
      new MutationObserver(() => {
        if (document.querySelector('main').dataset.state === 'done') window.__end ??= performance.now();
      }).observe(document.querySelector('main'), { attributes: true });
    });
    const tracing = process.env.BENCH_TRACE && url.includes('privacy-lens/') ? await startTrace(page) : null;
    const sampler = samplePrivateMemory(browser.profile);
    await page.setInputFiles('#file', file);
    const state = await settled(page, ['done', 'error'], 600_000);
    const privateMiB = sampler.stop();
    if (tracing) await tracing.save(join(process.env.BENCH_TRACE, `trace-${Date.now()}.json`));
    if (state !== 'done') throw new Error(`${url}: ended in state ${state}`);
    const { start, end, longest, timing } = await page.evaluate(() => ({ start: window.__start, end: window.__end, longest: window.__longest, timing: document.querySelector('main').dataset.timing }));
    const steps = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => `${m.name} ${m.duration.toFixed(0)} ms`));
    if (process.env.BENCH_VERBOSE) console.log('    worker', timing, 'steps', steps.join(', '));
    return { seconds: (end - start) / 1000, peakMiB: rendererPeakMiB(browser.profile), privateMiB, longestTaskMs: longest };
  } finally {
    await browser.context.close();
  }
}

/** Starts a Chrome trace (main thread, worker, V8, GC); `save(path)` ends it and writes it. */
async function startTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.gc', 'blink.user_timing', 'toplevel'];
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories }, transferMode: 'ReturnAsStream' });
  return {
    async save(path) {
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      const { stream } = await complete;
      mkdirSync(process.env.BENCH_TRACE, { recursive: true });
      const out = createWriteStream(path);
      for (;;) {
        const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
        out.write(base64Encoded ? Buffer.from(data, 'base64') : data);
        if (eof) break;
      }
      await new Promise((resolve) => out.end(resolve));
      await cdp.send('IO.close', { handle: stream });
      console.log(`    trace: ${path}`);
    },
  };
}

/** This browser's renderer processes' /proc status files. */
function rendererStatuses(profile) {
  const statuses = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!command.includes('--type=renderer')) continue;
      const parent = readFileSync(`/proc/${readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]}/cmdline`, 'utf8');
      if (!parent.includes(profile) && !command.includes(profile)) continue;
      statuses.push(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      // the process ended meanwhile
    }
  }
  return statuses;
}

/**
 * Samples the renderers' private memory (anonymous and shared-memory pages: the page's and
 * the worker's heaps, the wasm memory, the file's slices) every 20 ms; `stop()` returns its
 * peak in MiB. VmHWM also counts Chromium's own code, mapped from disk (about 120 MiB here).
 */
function samplePrivateMemory(profile) {
  const kib = (status, key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  let peak = 0;
  const sample = () => {
    for (const status of rendererStatuses(profile)) peak = Math.max(peak, (kib(status, 'RssAnon') + kib(status, 'RssShmem')) / 1024);
  };
  const timer = setInterval(sample, 20);
  return { stop: () => { clearInterval(timer); sample(); return peak; } };
}

/** The largest peak resident memory (VmHWM) among this browser's renderer processes. */
function rendererPeakMiB(profile) {
  return Math.max(0, ...rendererStatuses(profile).map((status) => Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024));
}
