// What the page shows of a report, and the check that it equals the CLI's JSON for the same
// files: shared by the tests of the served page and of the single file.

import assert from 'node:assert/strict';
import { number } from './harness.mjs';

/** What the page shows: findings, app rows with their access counts, overview numbers. */
export async function shownReport(page) {
  return page.evaluate(() => ({
    // In the page's order: grouped by rule, each group in the report's order.
    findings: [...document.querySelectorAll('#findings li.finding')].map((li) => `${li.dataset.rule} ${li.dataset.bundleId} ${li.dataset.category}`),
    apps: Object.fromEntries([...document.querySelectorAll('#apps tbody tr')].map((tr) => [tr.dataset.bundleId, [...tr.cells].map((cell) => cell.textContent)])),
    overview: Object.fromEntries([...document.querySelectorAll('#overview dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])),
    companies: [...document.querySelectorAll('#companies tbody tr')].map((tr) => [tr.cells[0].firstChild.textContent, Number(tr.cells[1].textContent.replace(/,/g, ''))]),
    message: document.getElementById('message').hidden ? '' : document.getElementById('message').textContent,
  }));
}

/** Asserts that the page shows exactly what the CLI computed. */
export function assertMatches(view, expected) {
  const findings = expected.findings.map((f) => `${f.rule} ${f.bundle_id} ${f.category ?? ''}`);
  assert.deepEqual([...view.findings].sort(), [...findings].sort(), 'findings');
  const rule = (finding) => finding.split(' ')[0];
  for (const shown of new Set(findings.map(rule))) {
    assert.deepEqual(view.findings.filter((f) => rule(f) === shown), findings.filter((f) => rule(f) === shown), `${shown} findings in the report's order`);
  }
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
