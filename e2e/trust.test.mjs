// The promises, proven in Chromium: hostile strings in every field are inert text in every
// view and chart tooltip; the page works the same with the network blocked; every kind of
// broken file gets a clear message naming it while the good records around the damage count;
// and during the whole session not one request leaves the origin or carries file content.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serve, launch, open, settled, cliReport, realFixtures, scratch, screenshot } from './harness.mjs';

let site;
let browser;
let page;
let dir;

before(async () => {
  site = await serve();
  browser = await launch(site.origin);
  page = await open(browser.context, site.url);
  dir = await scratch();
});

after(async () => {
  await browser?.context.close();
  site?.server.close();
});

// Each payload would set window.__pwned if any of it ran as markup or script.
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<svg onload="window.__pwned=1"></svg>',
  '"><script>window.__pwned=1</script>',
  "javascript:window.__pwned=1//",
  "{{constructor.constructor('window.__pwned=1')()}}",
  '${window.__pwned=1}',
  '{a|rich}{b|text} <b>bold</b>',
  'evil\u202Egnp.exe\u200B\u200D\uFEFFzero-width',
  `${'<i>'.repeat(10)}${'A'.repeat(10_000)}`,
];

/** An export whose every string field carries a payload (valid JSON, iOS 15.2+ shape). */
function hostileExport() {
  const lines = [];
  PAYLOADS.forEach((payload, i) => {
    const app = `com.evil${i}.${payload}`;
    const id = `${payload}-${i}`;
    const at = (minute) => `2024-05-0${1 + (i % 5)}T0${i % 6}:${String(minute).padStart(2, '0')}:00.000+08:00`;
    const access = (kind, minute) => JSON.stringify({
      accessor: { identifier: app, identifierType: 'bundleID' },
      broadcaster: { identifier: payload, identifierType: 'bundleID' },
      category: i % 2 ? 'photos' : payload,
      identifier: id,
      kind,
      timeStamp: at(minute),
      type: 'access',
    });
    for (let n = 0; n < 4; n++) lines.push(access('intervalBegin', 10 * n).replace(`"${id}"`, `"${id}${n}"`), access('intervalEnd', 10 * n + 1).replace(`"${id}"`, `"${id}${n}"`));
    lines.push(JSON.stringify({
      domain: `${payload}.tracker.example`, firstTimeStamp: at(0), context: payload, timeStamp: at(30),
      domainType: 1, initiatedType: 'NonAppInitiated', hits: 7, type: 'networkActivity',
      domainOwner: payload, bundleID: app, domainClassification: 1, contextVerificationType: 0,
    }));
  });
  return lines.join('\n') + '\n';
}

/** Clicks through every view, opening every app and hovering over its charts. */
async function visitEveryView() {
  for (const tab of ['findings', 'overview', 'network', 'companies']) await page.click(`#tab-${tab}`);
  await page.click('#about summary');
  await page.click('#tab-apps');
  const ids = await page.$$eval('#apps tbody tr', (trs) => trs.map((tr) => tr.dataset.bundleId));
  for (const id of ids) {
    await page.locator('#apps tbody tr').filter({ has: page.locator(`button`) }).nth(ids.indexOf(id)).locator('button').click();
    await page.waitForSelector('#timeline canvas');
    for (const chart of ['#timeline', '#heatmap']) {
      const box = await page.locator(chart).boundingBox();
      for (const [fx, fy] of [[0.3, 0.3], [0.5, 0.5], [0.7, 0.4]]) await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    }
    await page.click('#app-back');
  }
}

test('hostile strings in every field stay inert text in every view and tooltip', async () => {
  const file = join(dir, 'hostile.ndjson');
  await writeFile(file, hostileExport());
  await page.evaluate(() => { delete window.__pwned; });
  await page.setInputFiles('#file', [file]);
  assert.equal(await settled(page), 'done');
  await visitEveryView();
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no payload ran');
  // Shown as the very characters of the file.
  const ids = await page.$$eval('#apps tbody tr', (trs) => trs.map((tr) => tr.dataset.bundleId));
  for (const [i, payload] of PAYLOADS.entries()) assert.ok(ids.includes(`com.evil${i}.${payload}`), `app ${i} listed as text`);
  const text = await page.evaluate(() => document.body.textContent);
  assert.ok(text.includes('<img src=x onerror="window.__pwned=1">'), 'markup shown as text');
  assert.equal(await page.$$eval('main img, main svg:not([aria-hidden]), main script', (nodes) => nodes.length), 0, 'no element came from a file');
  // The layout holds: nothing pushes the page wider than the window (tables scroll inside).
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 844 });
    for (const tab of ['findings', 'overview', 'apps', 'network', 'companies']) {
      await page.click(`#tab-${tab}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${tab} at ${width}px is ${overflow}px too wide`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, 'hostile');
  // What the CLI computed for the same file is what the page shows.
  const expected = cliReport([file]);
  assert.deepEqual(ids.sort(), expected.apps.map((a) => a.bundle_id).sort());
});

test('every saved file keeps hostile strings inert: CSV cells never formulas, blocklists never their rules', async () => {
  const file = join(dir, 'hostile.ndjson');
  await writeFile(file, hostileExport());
  await page.setInputFiles('#file', [file]);
  assert.equal(await settled(page), 'done');
  await page.click('#tab-export');
  const saved = {};
  for (const name of ['intervals.csv', 'access.csv', 'apps.csv', 'domains.csv', 'report.json', 'hosts.txt', 'adblock.txt']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export="${name}"]`)]);
    saved[name] = await readFile(await download.path(), 'utf8');
  }
  for (const name of ['intervals.csv', 'access.csv', 'apps.csv', 'domains.csv']) {
    const cells = parseCsv(saved[name]).flat();
    assert.ok(cells.some((cell) => cell.includes('onerror')), `${name} keeps the strings as data`);
    const formulas = cells.filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d/.test(cell));
    assert.deepEqual(formulas, [], `${name}: no cell a spreadsheet would run`);
  }
  const report = JSON.parse(saved['report.json']);
  assert.ok(report.apps.some((a) => a.bundle_id === `com.evil0.${PAYLOADS[0]}`), 'the JSON holds the exact strings');
  for (const name of ['hosts.txt', 'adblock.txt']) {
    const rules = saved[name].split('\n').filter((line) => line && !/^[#![]/.test(line));
    // Every hostile domain is flagged by Apple, but none is a valid host name: no rule.
    assert.deepEqual(rules, [], `${name} holds no rule made from a hostile name`);
    assert.match(saved[name], /flagged names were left out/);
  }
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

/** Rows of cells of a CSV text (RFC 4180 quoting). */
function parseCsv(text) {
  const rows = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { rows.at(-1).push(cell); cell = ''; }
    else if (c === '\n') { rows.at(-1).push(cell); cell = ''; rows.push([]); }
    else cell += c;
  }
  if (cell || rows.at(-1).length) rows.at(-1).push(cell);
  return rows.filter((row) => row.length > 0);
}

/** A corpus of broken files: name → bytes. */
function brokenFiles(good) {
  const lines = good.split('\n');
  const multibyte = Buffer.from(lines.slice(0, 20).join('\n').replace('com.tencent.xin', 'com.tencent.微信'));
  let nested = '';
  for (let i = 0; i < 100_000; i++) nested += '[';
  return {
    'empty.ndjson': Buffer.alloc(0),
    'photo.png': Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
    'scan.pdf': Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
    'archive.zip': Buffer.from('504b0304140000000800', 'hex'),
    'array.json': Buffer.from(JSON.stringify([{ a: 1 }, { b: 2 }])),
    'one-line.ndjson': Buffer.alloc(50 << 20, 'x'),
    'nested.json': Buffer.from(nested),
    'invalid-utf8.ndjson': Buffer.concat([Buffer.from(lines.slice(0, 10).join('\n') + '\n'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(lines.slice(10, 20).join('\n') + '\n')]),
    'nul-bytes.ndjson': Buffer.concat([Buffer.from(lines.slice(0, 10).join('\n') + '\n'), Buffer.alloc(64, 0), Buffer.from('\n' + lines.slice(10, 20).join('\n') + '\n')]),
    'truncated.ndjson': Buffer.from(lines.slice(0, 20).join('\n').slice(0, -40)),
    'cut-in-character.ndjson': multibyte.subarray(0, multibyte.lastIndexOf(Buffer.from('微')) + 1),
  };
}

test('broken files: each named with what was expected, the good records around the damage count', async () => {
  const good = join(dir, 'good.ndjson');
  execFileSync(join(site.url ? process.cwd() : '', 'target/release/privacy-lens'), ['generate', '--seed', '9', '--days', '2', '-o', good], { cwd: join(import.meta.dirname, '..') });
  const corpus = brokenFiles((await import('node:fs')).readFileSync(good, 'utf8'));
  const paths = [];
  for (const [name, bytes] of Object.entries(corpus)) {
    const path = join(dir, name);
    await writeFile(path, bytes);
    paths.push(path);
  }
  // All at once, with a good export: the page shows results and names every file that is not an export.
  await page.setInputFiles('#file', [...paths, good]);
  assert.equal(await settled(page, ['done', 'error'], 120_000), 'done');
  const message = await page.$eval('#message', (m) => m.textContent);
  const expected = cliReport([...paths, good]);
  for (const file of expected.files.filter((f) => f.error)) {
    const name = file.name.split('/').pop();
    assert.ok(message.includes(name), `${name} is named in: ${message}`);
  }
  for (const name of ['empty.ndjson', 'photo.png', 'scan.pdf', 'archive.zip', 'array.json', 'one-line.ndjson', 'nested.json']) {
    assert.ok(message.includes(name), `${name} is named`);
  }
  // Damaged exports still count their good records, and their bad lines are listed.
  const records = await page.$eval('#overview', (dl) => dl.textContent);
  assert.ok(records.includes(expected.records.access.toLocaleString('en')), `${expected.records.access} access records shown`);
  await page.click('#tab-overview');
  const rows = await page.$$eval('#files tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[4].textContent, tr.cells[5].textContent]));
  for (const file of expected.files) {
    const row = rows.find(([name]) => name === file.name.split('/').pop());
    assert.ok(row, `${file.name} listed`);
    assert.deepEqual([Number(row[1].replace(/,/g, '')), Number(row[2].replace(/,/g, ''))], [file.records, file.skipped], file.name);
  }
  const diagnostics = await page.$$eval('#diagnostics tbody tr', (trs) => trs.map((tr) => `${tr.cells[0].textContent}:${tr.cells[1].textContent}`));
  assert.deepEqual(diagnostics, expected.diagnostics.map((d) => `${d.file.split('/').pop()}:${d.line}`));

  // Each file that is not an export, alone: state error, and the message names it.
  for (const name of ['empty.ndjson', 'photo.png', 'one-line.ndjson', 'nested.json']) {
    await page.setInputFiles('#file', [join(dir, name)]);
    assert.equal(await settled(page), 'error', name);
    assert.ok((await page.$eval('#message', (m) => m.textContent)).includes(name), name);
  }
});

test('the page stays responsive while a large file is analysed', async () => {
  const big = join(dir, 'big.ndjson');
  execFileSync(join(import.meta.dirname, '../target/release/privacy-lens'), ['generate', '--size', '200M', '-o', big]);
  await page.setInputFiles('#file', [big]);
  await page.waitForFunction(() => document.querySelector('main').dataset.state === 'working');
  // A frame is painted and an input handled promptly while the worker reads.
  const delays = await page.evaluate(async () => {
    const delays = [];
    for (let i = 0; i < 10 && document.querySelector('main').dataset.state === 'working'; i++) {
      const asked = performance.now();
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      delays.push(performance.now() - asked);
      document.getElementById('guide').open = !document.getElementById('guide').open;
    }
    return delays;
  });
  assert.ok(delays.length > 0);
  assert.ok(Math.max(...delays) < 250, `the main thread answered within ${Math.max(...delays).toFixed(0)} ms`);
  assert.equal(await settled(page, ['done'], 120_000), 'done');
});

test('with the network blocked (no reload), the same files give the same results', async (t) => {
  const fixtures = realFixtures();
  if (!fixtures) return t.skip('real fixtures absent');
  await page.setInputFiles('#file', fixtures);
  assert.equal(await settled(page), 'done');
  const online = await page.$eval('#results', (r) => r.textContent);
  await browser.context.setOffline(true);
  try {
    await page.setInputFiles('#file', fixtures);
    await page.waitForFunction(() => document.querySelector('main').dataset.state !== 'done');
    assert.equal(await settled(page), 'done');
    assert.equal(await page.$eval('#results', (r) => r.textContent), online);
  } finally {
    await browser.context.setOffline(false);
  }
});

test('during the whole session no request left the origin or carried file content', async () => {
  const foreign = browser.requests.filter((r) => !r.url.startsWith(site.origin + '/'));
  assert.deepEqual(foreign.map((r) => r.url), []);
  assert.deepEqual(browser.requests.filter((r) => r.method !== 'GET' || r.body).map((r) => r.url), []);
  // Nothing from the files in any address either (bundle IDs, domains, payloads).
  const leaked = browser.requests.filter((r) => /evil|tencent|tracker\.example|onerror/i.test(decodeURIComponent(r.url)));
  assert.deepEqual(leaked.map((r) => r.url), []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(browser.problems, []);
});
