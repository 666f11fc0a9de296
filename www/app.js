// The page: hands files to the analysis worker and renders the report it returns. All
// numbers come from the core; this file only decides how they look.
//
// For automation (stable): <main data-state="idle|working|done|error">, app rows carry
// data-bundle-id, findings carry data-rule, data-bundle-id and data-category.

import { h, replace, byId, withData } from './dom.js';
import * as fmt from './format.js';
import { t, language, setLanguage, remembered, forgetLanguage, translateDocument } from './i18n.js';
import { renderComparison } from './compare.js';
import { download, fileName, printResults } from './save.js';
import { keep, keptExports, forgetEverything } from './keep.js';
import { startAnalysisWorker, exampleInput } from './runtime-page.js';

const main = byId('main');
const fileInput = byId('file');
const message = byId('message');

let worker = null;
let report = null; // the last report (without interval lists)
let openApp = null; // bundle ID shown in the app view, if any
let charts = null; // the chart module, loaded on first use
let renders = 0; // counts reports received, so that a stale rendering stops
let trendBuilds = 0; // counts builds of the weekly table, so that a stale one stops
let lastInputs = []; // the files of the last analysis, to keep them if the user asks later
let comparison = null; // the last comparison shown, if any
let appDetails = null; // the open app's details ({app, hours}) once they have come

// ---------------------------------------------------------------- the worker

function startWorker() {
  worker = startAnalysisWorker();
  worker.onmessage = ({ data }) => handlers[data.type]?.(data);
  worker.onerror = (event) => fail(t('state.stopped', { error: event.message ?? '?' }));
}

const handlers = {
  ready() {
    main.dataset.engine = 'ready';
  },
  progress: throttled((data) => {
    byId('progress-bar').value = data.total ? data.bytes / data.total : 1;
    byId('progress-text').textContent = t('progress.reading', { file: data.file, read: fmt.bytes(data.bytes), total: fmt.bytes(data.total), records: fmt.count(data.records) });
  }),
  async report(data) {
    byId('progress').hidden = true;
    const rendering = ++renders;
    // Receiving the message copied its strings in, in a task of its own: parse in the next
    // (at 1 GB, on a slow machine, the two together took 59 ms).
    await nextTask();
    if (rendering !== renders) return;
    const parsing = performance.now();
    report = JSON.parse(data.json);
    performance.measure('parse report', { start: parsing });
    const problems = [
      ...report.files.filter((f) => f.error).map((f) => t('state.not-export', { file: f.name, error: f.error })),
      ...data.unreadable.map((u) => t('state.unreadable', { file: u.file, message: u.message })),
    ];
    if (!report.files.some((f) => !f.error)) {
      fail(problems.join('\n') || t('state.no-file'));
      return;
    }
    showMessage(problems.join('\n'));
    if (data.timing) main.dataset.timing = JSON.stringify({ ...data.timing, seconds: data.seconds });
    // One view per task, so that the page answers input between them (no long task); the
    // domains, the largest part, are parsed in a task of their own.
    byId('results').hidden = false;
    // A view may return more steps (functions), each run in a task of its own.
    const parseDomains = () => { report.domains = JSON.parse(data.domains); };
    const steps = [renderFindings, renderOverview, renderApps, parseDomains, renderNetwork, renderCompanies, renderSources, prepareTrends, prepareCompare];
    while (steps.length > 0) {
      await nextTask();
      if (rendering !== renders) return; // a newer report is being rendered
      const view = steps.shift();
      const started = performance.now();
      steps.unshift(...(view() ?? []));
      // Named steps for `make bench-web`, which reports the longest.
      performance.measure(view.name || 'view', { start: started });
    }
    if (openApp) showApp(openApp, { focus: false });
    if (main.dataset.state === 'working') byId('results').scrollIntoView({ block: 'start' });
    main.dataset.state = 'done';
  },
  app(data) {
    if (data.bundleId === openApp && data.json) renderAppDetails(JSON.parse(data.json));
  },
  export(data) {
    download(fileName(data.name, report?.period), data.text);
  },
  comparison(data) {
    byId('progress').hidden = true;
    const view = byId('view-compare');
    showMessage(data.unreadable.map((u) => t('state.unreadable', { file: u.file, message: u.message })).join('\n'));
    comparison = JSON.parse(data.json);
    showComparison();
    view.dataset.state = 'done';
  },
  failed(data) {
    // A comparison or a saved file that fails leaves the results as they are.
    if (data.request === 'compare' || data.request === 'compare-files') {
      byId('progress').hidden = true;
      byId('view-compare').dataset.state = 'error';
      byId('comparison').hidden = true;
      const unreadable = (data.unreadable ?? []).map((u) => t('state.unreadable', { file: u.file, message: u.message }));
      showMessage(data.code === 'not-export' ? [t('compare.not-export'), ...unreadable].join('\n') : data.message);
    } else if (data.request === 'export') {
      showMessage(t('save.failed', { error: data.message }));
    } else {
      fail(data.message);
    }
  },
};

/** Resolves in a later task, letting the browser handle input and paint in between. */
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Runs `update` at most once per animation frame, with the latest data. */
function throttled(update) {
  let pending = null;
  return (data) => {
    if (pending === null) requestAnimationFrame(() => { update(pending); pending = null; });
    pending = data;
  };
}

async function analyze(inputs) {
  if (inputs.length === 0) return;
  lastInputs = inputs;
  if (byId('keep').checked) {
    // Next week's export is read with the kept ones, as one history; it is kept too.
    const kept = await keptExports().catch(() => []);
    const isNew = (file) => !kept.some((k) => k.name === file.name && k.size === file.size);
    const fresh = inputs.filter(isNew);
    inputs = [...kept, ...fresh];
    await keepFiles(fresh);
  }
  openApp = null;
  main.dataset.state = 'working';
  showMessage('');
  byId('progress').hidden = false;
  byId('progress-bar').value = 0;
  byId('progress-text').textContent = t('progress.starting');
  worker.postMessage({ type: 'analyze', files: inputs, quietHours: quietHours() });
}

function cancel() {
  // Terminating is immediate, whatever the worker is doing; a fresh one takes over.
  worker.terminate();
  startWorker();
  byId('progress').hidden = true;
  report = null;
  byId('results').hidden = true;
  showMessage(t('state.cancelled'));
  main.dataset.state = 'idle';
}

function fail(text) {
  byId('progress').hidden = true;
  byId('results').hidden = true;
  showMessage(text);
  main.dataset.state = 'error';
}

function showMessage(text) {
  message.hidden = !text;
  message.textContent = text;
}

function quietHours() {
  return `${byId('quiet-start').value || '00:00'}-${byId('quiet-end').value || '06:00'}`;
}

// ---------------------------------------------------------------- rendering

/** Shown per rule before the rest is folded away (all stay in the DOM). */
const FINDINGS_SHOWN = 5;
/** Findings built per task: a report of 1 GB had 100, built in one 39–56 ms task. */
const FINDINGS_PER_TASK = 20;

/**
 * The findings grouped by rule: the groups now, and the steps that fill them in order,
 * FINDINGS_PER_TASK findings each (a phone's report can have a thousand).
 */
function renderFindings() {
  const list = byId('findings');
  if (report.findings.length === 0) {
    replace(list, h('li', { className: 'empty' }, t('findings.none')));
    return [];
  }
  const rules = [...new Set([...fmt.RULES, ...report.findings.map((f) => f.rule)])];
  const places = []; // [list, finding] in order
  replace(list, rules.map((rule) => {
    const findings = report.findings.filter((f) => f.rule === rule);
    if (findings.length === 0) return null;
    const shown = h('ol');
    const more = findings.length > FINDINGS_SHOWN ? h('ol') : null;
    findings.forEach((f, i) => places.push([i < FINDINGS_SHOWN ? shown : more, f]));
    return h('li', { className: 'rule-group' },
      h('h3', {}, `${fmt.rule(rule)} (${fmt.count(findings.length)})`),
      shown,
      more ? h('details', { className: 'more' }, h('summary', {}, t('findings.more', { n: fmt.count(findings.length - FINDINGS_SHOWN) })), more) : null);
  }));
  // The lists are this render's own: a newer render's replace leaves them detached.
  return inBatches(places, FINDINGS_PER_TASK, function fillFindings(batch) {
    for (const [group, f] of batch) group.append(findingItem(f));
  });
}

/** Steps that each hand `fill` the next `size` items, in order (see handlers.report). */
function inBatches(items, size, fill) {
  const steps = [];
  for (let i = 0; i < items.length; i += size) steps.push(fill.bind(null, items.slice(i, i + size)));
  return steps;
}

/** Runs a view and every step it returns, now. */
function renderNow(view) {
  for (const step of view() ?? []) step();
}

function findingItem(f) {
  return h('li', { className: 'finding', dataset: { rule: f.rule, bundleId: f.bundle_id, category: f.category ?? '' } },
    h('p', { className: 'finding-head' },
      appLabel(report.apps.find((a) => a.bundle_id === f.bundle_id) ?? { bundle_id: f.bundle_id, name: f.bundle_id }),
      f.category ? [' · ', fmt.category(f.category)] : null,
      f.apple ? h('span', { className: 'badge apple', translate: false }, t('badge.apple')) : null),
    h('p', {}, findingText(f)),
    f.evidence.length ? h('details', { className: 'evidence' },
      h('summary', {}, t('finding.evidence', { n: f.evidence.length, count: fmt.count(f.evidence.length) })),
      h('ul', {}, f.evidence.map((e) => h('li', {}, `${fmt.span(e.begin, e.end)}, ${fmt.duration(e.seconds)}`)))) : null,
    h('button', { className: 'link', type: 'button', on: { click: () => { selectTab('apps'); showApp(f.bundle_id); } } },
      t(f.category ? 'finding.timeline' : 'finding.domains')));
}

function renderOverview() {
  const r = report;
  const apps = r.apps.length;
  const fact = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
  const generations = [...new Set(r.files.filter((f) => f.generation).map((f) => fmt.generation(f.generation)))];
  replace(byId('overview'),
    fact(t('overview.period'), r.period ? t('overview.period.value', { first: fmt.localTime(r.period.first), last: fmt.localTime(r.period.last), days: fmt.count(r.period.days) }) : t('overview.none')),
    r.coverage.gaps.length ? fact(t('overview.covered'), t('overview.covered.value', { covered: fmt.count(r.coverage.days), days: fmt.count(r.period.days), gaps: fmt.count(r.coverage.gaps.length), n: r.coverage.gaps.length })) : null,
    fact(t('overview.apps'), fmt.count(apps)),
    fact(t('overview.accesses'), t('overview.accesses.value', { records: fmt.count(r.records.access) }), r.records.events ? t('overview.events', { events: fmt.count(r.records.events) }) : ''),
    fact(t('overview.network'), fmt.count(r.records.network)),
    fact(t('overview.duplicates'), t('overview.duplicates.value', { n: fmt.count(r.records.duplicates) })),
    fact(t('overview.skipped'), fmt.count(r.records.skipped), r.records.unknown ? t('overview.unknown', { n: fmt.count(r.records.unknown) }) : ''),
    fact(t('overview.format'), generations.join(', ') || '—'));
  byId('gaps-box').hidden = r.coverage.gaps.length === 0;
  replace(byId('gaps'), r.coverage.gaps.map((g) => h('li', {}, t('overview.gap', { range: g.first === g.last ? g.first : t('time.span', { first: g.first, last: g.last }), days: fmt.count(g.days), n: g.days }))));
  replace(byId('files').tBodies[0], r.files.map((f) => h('tr', {},
    h('td', { translate: false }, f.name),
    h('td', {}, f.error ? t('files.not-export', { error: f.error }) : fmt.generation(f.generation)),
    h('td', {}, fmt.localTime(f.first)),
    h('td', {}, fmt.localTime(f.last)),
    h('td', { className: 'num' }, fmt.count(f.records)),
    h('td', { className: 'num' }, fmt.count(f.skipped)))));
  const box = byId('diagnostics-box');
  box.hidden = r.diagnostics.length === 0;
  byId('diagnostics-summary').textContent = t('diagnostics.summary', { count: fmt.count(r.diagnostics.length + r.diagnostics_omitted), listed: r.diagnostics_omitted ? fmt.count(r.diagnostics.length) : '' });
  replace(byId('diagnostics').tBodies[0], r.diagnostics.map((d) => h('tr', {},
    h('td', { translate: false }, d.file), h('td', { className: 'num' }, String(d.line)), h('td', { translate: false }, d.message))));
}

// ---------------------------------------------------------------- apps

const APP_COLUMNS = [
  { key: 'app', label: 'apps.col.app', value: (a) => a.name, text: true },
  { key: 'data', label: 'apps.col.data', value: (a) => a.access.filter((c) => c.intervals || c.events).map((c) => fmt.category(c.category)).join(', '), text: true },
  { key: 'intervals', label: 'apps.col.intervals', value: (a) => sum(a.access, 'intervals') + sum(a.access, 'events'), show: fmt.count },
  { key: 'quiet', label: 'apps.col.quiet', value: (a) => sum(a.access, 'quiet_hours'), show: fmt.count },
  { key: 'longest', label: 'apps.col.longest', value: (a) => Math.max(0, ...a.access.map((c) => c.max_seconds)), show: (s) => (s ? fmt.duration(s) : '') },
  { key: 'domains', label: 'apps.col.domains', value: (a) => a.network.domains, show: fmt.count },
  { key: 'hits', label: 'apps.col.hits', value: (a) => a.network.hits, show: (n, a) => hits(n, a.network.hits_upper_bound) },
  { key: 'flagged', label: 'apps.col.flagged', value: (a) => a.network.flagged_domains, show: fmt.count },
  { key: 'trackers', label: 'apps.col.trackers', value: (a) => a.network.tracker_domains, show: fmt.count },
  { key: 'companies', label: 'apps.col.companies', value: (a) => a.network.third_party_companies.length, show: fmt.count },
];
let appSort = { key: 'intervals', descending: true };

/** An app's name, Chinese name, and its bundle ID as written in the file (always shown). */
function appLabel(app) {
  return h('span', { className: 'app-label', translate: false },
    h('strong', {}, app.name),
    app.name_zh ? [' ', h('span', { lang: 'zh-Hans' }, app.name_zh)] : null,
    ' ', h('span', { className: 'app-id' }, app.bundle_id));
}

/** Hits, marked when they are an upper bound. */
function hits(n, upperBound) {
  return upperBound ? t('hits.at-most', { n: fmt.count(n) }) : fmt.count(n);
}

/** A finding in the page's language, from its rule and parameters (the core's `text` is English). */
function findingText(f) {
  const p = f.params;
  const app = report.apps.find((a) => a.bundle_id === f.bundle_id);
  const zh = language === 'zh-Hans';
  const name = (zh && app?.name_zh) || app?.name || f.bundle_id;
  const label = zh ? `${name}（${f.bundle_id}）` : `${name} (${f.bundle_id})`;
  const data = f.category ? (zh ? fmt.category(f.category) : fmt.category(f.category).toLowerCase()) : '';
  const named = (list) => (list.length > 5 ? [...list.slice(0, 5), '…'] : list).join(zh ? '、' : ', ');
  const context = t('finding.context', { ...p, activity: f.category ? data : t('finding.network') });
  return withData(`finding.${f.rule}`, {
    ...p,
    app: label,
    data,
    count: f.count,
    context,
    photos: f.category === 'photos',
    longest: fmt.duration(p.max_seconds ?? 0),
    limit: fmt.duration(p.long_seconds ?? 0),
    domains: named(p.domains ?? []),
    owners: (p.owners ?? []).join(zh ? '；' : '; '),
    companies: (p.companies ?? []).join(zh ? '；' : '; '),
  }, ['app', 'domains', 'owners', 'companies']);
}

/** A domain's owner, with where the name comes from. */
function ownerText(d) {
  if (!d.owner) return '';
  const zh = d.owner_zh ? ` ${d.owner_zh}` : '';
  const owner = `${d.owner}${zh}`;
  return d.owner_source === 'apple' ? t('owner.per-apple', { owner }) : owner;
}

/** What a domain is for, and whether it tracks. */
function whatText(d) {
  const what = d.category ? fmt.domainCategory(d.category) : '';
  return d.tracker ? `${what} · ${t('domain.tracker')}` : what;
}

function sum(items, key) {
  return items.reduce((total, item) => total + item[key], 0);
}

/** App rows built per task: 48 apps took 13 ms, and a phone can list several hundred. */
const APPS_PER_TASK = 50;
/** Counts the apps table's renders, so that the steps of a replaced one stop. */
let appRenders = 0;

/** The apps table's head now, and the steps that fill its rows in order, then filter them. */
function renderApps() {
  const head = byId('apps').tHead.rows[0];
  replace(head, APP_COLUMNS.map((column) => h('th', {
    scope: 'col',
    className: column.text ? '' : 'num',
    attrs: appSort.key === column.key ? { 'aria-sort': appSort.descending ? 'descending' : 'ascending' } : {},
  }, h('button', { type: 'button', className: 'sort', on: { click: () => sortApps(column.key) } }, t(column.label)))));
  const column = APP_COLUMNS.find((c) => c.key === appSort.key);
  const direction = appSort.descending ? -1 : 1;
  const apps = report.apps
    .map((app) => ({ app, key: column.value(app) }))
    .sort((a, b) => direction * (column.text ? String(a.key).localeCompare(String(b.key)) : a.key - b.key) || a.app.bundle_id.localeCompare(b.app.bundle_id))
    .map(({ app }) => app);
  const body = byId('apps').tBodies[0];
  body.replaceChildren();
  const render = ++appRenders;
  return [...inBatches(apps, APPS_PER_TASK, function fillApps(batch) {
    if (render === appRenders) body.append(...batch.map(appRow));
  }), filterApps];
}

function appRow(app) {
  return h('tr', { dataset: { bundleId: app.bundle_id } },
    APP_COLUMNS.map((c, i) => {
      const value = c.value(app);
      const text = c.show ? c.show(value, app) : value;
      return i === 0
        ? h('th', { scope: 'row' }, h('button', { type: 'button', className: 'link app-name', on: { click: () => showApp(app.bundle_id) } }, appLabel(app)))
        : h('td', { className: c.text ? '' : 'num' }, text);
    }));
}

function sortApps(key) {
  appSort = { key, descending: appSort.key === key ? !appSort.descending : !APP_COLUMNS.find((c) => c.key === key).text };
  renderNow(renderApps);
}

function filterApps() {
  const query = byId('app-search').value.trim().toLowerCase();
  for (const row of byId('apps').tBodies[0].rows) row.hidden = query !== '' && !row.textContent.toLowerCase().includes(query);
}

/** Opens an app's view; `focus` moves the keyboard focus to it (not on a re-render). */
function showApp(bundleId, { focus = true } = {}) {
  const app = report.apps.find((a) => a.bundle_id === bundleId);
  if (!app) return;
  openApp = bundleId;
  byId('apps-list').hidden = true;
  byId('app-view').hidden = false;
  byId('app-view').dataset.bundleId = bundleId;
  replace(byId('app-title'), appLabel(app), app.company ? h('span', { className: 'company', translate: false }, ` · ${app.company}${app.company_zh ? ` ${app.company_zh}` : ''}`) : null);
  replace(byId('app-categories').tBodies[0], app.access.map((c) => h('tr', { dataset: { category: c.category } },
    h('th', { scope: 'row' }, fmt.category(c.category)),
    h('td', { className: 'num' }, fmt.count(c.intervals), c.events ? t('app.events', { n: fmt.count(c.events) }) : ''),
    h('td', { className: 'num' }, fmt.count(c.quiet_hours)),
    h('td', { className: 'num' }, c.intervals ? fmt.duration(c.max_seconds) : ''),
    h('td', { className: 'num' }, c.intervals ? fmt.duration(c.total_seconds) : ''),
    h('td', { className: 'num' }, fmt.count(c.open)),
    h('td', {}, fmt.localTime(c.first)),
    h('td', {}, fmt.localTime(c.last)))));
  // Keyboard and screen-reader users land on the app they opened (the title can take focus).
  if (focus) byId('app-title').focus();
  byId('app-domains').tBodies[0].replaceChildren();
  clearChartTables();
  for (const chart of ['daily', 'timeline', 'heatmap']) byId(chart).replaceChildren();
  worker.postMessage({ type: 'app', bundleId });
}

/** What the first view leaves out: the app's domains and its intervals, in charts. */
async function renderAppDetails(app) {
  replace(byId('app-domains').tBodies[0], app.network.by_domain.map((d) => h('tr', { dataset: { tracker: String(d.tracker) } },
    h('th', { scope: 'row', translate: false }, d.domain),
    h('td', { className: 'num' }, hits(d.hits, d.hits_upper_bound)),
    h('td', { translate: false }, ownerText(d)),
    h('td', {}, whatText(d)),
    h('td', {}, fmt.party(d.party)),
    h('td', {}, d.flagged ? t('domain.flagged') : ''),
    h('td', { className: 'num' }, fmt.count(d.app_initiated_hits)),
    h('td', { className: 'num' }, fmt.count(d.website_hits)))));
  filterTrackers('app-domains', 'app-trackers-only');
  const hours = hoursByDay(app);
  appDetails = { app, hours };
  for (const table of Object.keys(CHART_TABLES)) {
    if (byId(table).closest('details').open) buildChartTable(table);
  }
  charts ??= await import('./charts.js');
  // One chart per task: for years of history each takes a while.
  const draw = [
    () => charts.daily(byId('daily'), app, report.period, report.coverage.gaps),
    () => charts.timeline(byId('timeline'), app),
    () => charts.heatmap(byId('heatmap'), hours, report.period),
  ];
  for (const chart of draw) {
    if (appDetails?.app !== app) return; // another app, report or language took over
    chart();
    await nextTask();
  }
}

/** The app's accesses by local day (`YYYY-MM-DD`) and hour, all categories added up. */
function hoursByDay(app) {
  const days = new Map();
  for (const c of app.access) {
    for (const day of c.by_day) {
      const hours = days.get(day.date) ?? new Array(24).fill(0);
      day.by_hour.forEach((n, hour) => { hours[hour] += n; });
      days.set(day.date, hours);
    }
  }
  return days;
}

/** How many intervals the timeline's table lists (the CSV export has them all). */
const TIMELINE_ROWS = 500;

/**
 * The charts' tables, for screen readers and anyone who prefers them. For the open app
 * ({app, hours}), each gives its rows' data, a function that makes a row, and its header if
 * it has its own.
 */
const CHART_TABLES = {
  'daily-table': ({ app }) => ({
    items: app.access.flatMap((c) => c.by_day.map((d) => [c, d])),
    row: ([c, d]) => h('tr', {},
      h('td', {}, d.date), h('td', {}, fmt.category(c.category)),
      h('td', { className: 'num' }, fmt.count(d.intervals)), h('td', { className: 'num' }, fmt.count(d.quiet_hours))),
  }),
  'timeline-table': ({ app }) => {
    const intervals = app.access
      .flatMap((c) => c.timeline.map(([begin, end, beginOffset, endOffset]) => ({ c, begin, end, beginOffset, endOffset })))
      .sort((a, b) => a.begin - b.begin);
    const shown = intervals.slice(0, TIMELINE_ROWS);
    byId('timeline-table-note').textContent = t('table.timeline-note', { shown: fmt.count(shown.length), total: fmt.count(intervals.length) });
    return {
      items: shown,
      row: (i) => h('tr', {},
        h('td', {}, fmt.category(i.c.category)),
        h('td', {}, fmt.clock(i.begin, i.beginOffset)),
        h('td', {}, fmt.clock(i.end, i.endOffset)),
        h('td', { className: 'num' }, fmt.duration((i.end - i.begin) / 1000))),
    };
  },
  'heatmap-table': ({ hours }) => ({
    head: h('tr', {}, h('th', { scope: 'col' }, t('table.day')), Array.from({ length: 24 }, (_, hour) => h('th', { scope: 'col', className: 'num', attrs: { 'aria-label': `${t('table.hour')} ${hour}` } }, String(hour).padStart(2, '0')))),
    items: [...hours.keys()].sort(),
    row: (date) => h('tr', {}, h('th', { scope: 'row' }, date), hours.get(date).map((n) => h('td', { className: 'num' }, n ? fmt.count(n) : ''))),
  }),
};

/**
 * Builds a chart's table for the open app, when its <details> is open: years of history
 * make tens of thousands of rows (1 GB: 250 000 cells in the heatmap's), so it is built a
 * few rows per task, and `data-built` names the app once it is complete.
 */
async function buildChartTable(id) {
  const details = appDetails;
  const table = byId(id);
  if (!details || table.dataset.building === details.app.bundle_id || table.dataset.built === details.app.bundle_id) return;
  table.dataset.building = details.app.bundle_id;
  const { head, items, row } = CHART_TABLES[id](details);
  if (head) replace(table.tHead, head);
  // Stops when another app, report or language takes over.
  if (!await appendInSlices(table.tBodies[0], items, row, () => appDetails === details)) return;
  delete table.dataset.building;
  table.dataset.built = details.app.bundle_id;
}

/** Empties the charts' tables, and stops their building and the charts' drawing (another app is opening, or none). */
function clearChartTables() {
  appDetails = null;
  for (const id of Object.keys(CHART_TABLES)) {
    const table = byId(id);
    replace(table.tBodies[0]);
    delete table.dataset.building;
    delete table.dataset.built;
  }
}

function closeApp() {
  const closed = openApp;
  openApp = null;
  clearChartTables();
  byId('app-view').hidden = true;
  byId('apps-list').hidden = false;
  // Back where the user was: on the app's row.
  [...byId('apps').tBodies[0].rows].find((row) => row.dataset.bundleId === closed)?.querySelector('button')?.focus();
  charts?.dispose(byId('daily'), byId('timeline'), byId('heatmap'));
}

// ---------------------------------------------------------------- network

const TOP_DOMAINS = 200;

function renderNetwork() {
  const trackersOnly = byId('trackers-only').checked;
  const shown = report.domains.filter((d) => !trackersOnly || d.tracker).slice(0, TOP_DOMAINS);
  replace(byId('domains').tBodies[0], shown.map((d) => h('tr', { dataset: { tracker: String(d.tracker) } },
    h('th', { scope: 'row' }, h('span', { translate: false }, d.domain), d.ip_literal ? h('span', { className: 'badge' }, t('domain.ip')) : null),
    h('td', { className: 'num' }, hits(d.hits, d.hits_upper_bound)),
    h('td', { translate: false }, d.apps.map((id) => appName(id)).join(', ')),
    h('td', { translate: false }, ownerText(d)),
    h('td', {}, whatText(d)),
    h('td', {}, d.flagged ? t('domain.flagged') : ''))));
  const flagged = report.domains.filter((d) => d.flagged);
  replace(byId('flagged'), flagged.length
    ? flagged.map((d) => h('li', { translate: false }, d.domain, d.owner ? ` (${ownerText(d)})` : ''))
    : h('li', { className: 'empty' }, t('compare.none')));
  replace(byId('websites').tBodies[0], report.websites.map((w) => h('tr', {},
    h('th', { scope: 'row', translate: false }, w.site),
    h('td', { className: 'num' }, fmt.count(w.hits)),
    h('td', { className: 'num' }, fmt.count(w.domains.length)),
    h('td', { className: 'num' }, fmt.count(w.flagged_domains)),
    h('td', { translate: false }, w.apps.map((id) => appName(id)).join(', ')))));
}

/** An app's name by bundle ID, for lists. */
function appName(bundleId) {
  const app = report.apps.find((a) => a.bundle_id === bundleId);
  return app && app.name_source === 'table' ? app.name : bundleId;
}

/** Hides the rows of `table` that are not trackers when the checkbox is ticked. */
function filterTrackers(table, checkbox) {
  const only = byId(checkbox).checked;
  for (const row of byId(table).tBodies[0].rows) row.hidden = only && row.dataset.tracker !== 'true';
}

// ---------------------------------------------------------------- companies

function renderCompanies() {
  replace(byId('companies').tBodies[0], report.companies.map((c) => h('tr', {},
    h('th', { scope: 'row', translate: false }, c.company, c.company_zh ? [' ', h('span', { lang: 'zh-Hans' }, c.company_zh)] : null),
    h('td', { className: 'num' }, fmt.count(c.apps.length)),
    h('td', { className: 'num' }, fmt.count(c.third_party_apps)),
    h('td', { className: 'num' }, fmt.count(c.domains)),
    h('td', { className: 'num' }, fmt.count(c.tracker_domains)),
    h('td', { className: 'num' }, fmt.count(c.hits)),
    h('td', { translate: false }, c.apps.map((id) => appName(id)).join(', ')))));
}

function renderSources() {
  const s = report.sources;
  replace(byId('trackerdb-version'), s.trackerdb
    ? withData('about.trackerdb.version', { version: s.trackerdb.replace(/ \(.*$/, ''), n: fmt.count(s.trackerdb_domains) }, ['version'])
    : t('about.trackerdb.none'));
}

// ---------------------------------------------------------------- tabs

const TABS = ['findings', 'overview', 'apps', 'network', 'companies', 'trends', 'compare', 'export'];

function selectTab(name) {
  for (const tab of TABS) {
    const selected = tab === name;
    const button = byId(`tab-${tab}`);
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    byId(`view-${tab}`).hidden = !selected;
  }
  if (name === 'trends') renderTrends();
}

// ---------------------------------------------------------------- trends

/** The app × category series of the trends chart, most accesses first. */
function trendSeries() {
  return report.apps.flatMap((app) => app.access.filter((c) => c.intervals > 0).map((c) => ({
    key: `${app.bundle_id}\u0000${c.category}`,
    name: `${app.name} · ${fmt.category(c.category)}`,
    intervals: c.intervals,
    weeks: c.by_week,
  }))).sort((a, b) => b.intervals - a.intervals);
}

/** How many series the chart shows at first. */
const TRENDS_SHOWN = 6;

/** Fills the series picker for a new report (the chart is drawn when the tab is shown). */
function prepareTrends() {
  const series = trendSeries();
  replace(byId('trend-pick'),
    h('option', { value: '' }, t('trends.busiest', { n: Math.min(TRENDS_SHOWN, series.length) })),
    series.map((s) => h('option', { value: s.key, translate: false }, s.name)));
  const table = byId('weekly-table');
  replace(table.tHead);
  replace(table.tBodies[0]);
  delete table.dataset.built;
  trendBuilds++; // a table being built for the previous report stops
  if (!byId('view-trends').hidden) renderTrends();
  if (table.closest('details').open) buildWeeklyTable();
}

/**
 * The weekly table, the chart's alternative, built when it is opened: years of weekly
 * exports make tens of thousands of cells (1 GB: 40 000, 30 MiB of page memory), so it is
 * built a few rows per task, and `data-built` is set once it is complete.
 */
async function buildWeeklyTable() {
  const build = ++trendBuilds;
  const table = byId('weekly-table');
  const series = trendSeries();
  const { weeks, uncovered } = fmt.weeksOf(report.period, report.coverage.gaps);
  replace(table.tHead, h('tr', {}, h('th', { scope: 'col' }, t('trends.col.series')), weeks.map((w) => h('th', { scope: 'col', className: 'num' }, t('trends.col.week', { week: w })))));
  const row = (s) => {
    const byWeek = new Map(s.weeks.map((w) => [w.week, w]));
    return h('tr', {}, h('th', { scope: 'row', translate: false }, s.name), weeks.map((w) => {
      const week = byWeek.get(w);
      const text = uncovered.has(w) ? t('chart.no-data') : week ? t('trends.cell', { n: fmt.count(week.intervals), quiet: fmt.count(week.quiet_hours) }) : '0';
      return h('td', { className: 'num' }, text);
    }));
  };
  // Stops when a newer report or language takes over.
  if (await appendInSlices(table.tBodies[0], series, row, () => build === trendBuilds)) table.dataset.built = 'true';
}

/**
 * Empties `body` and appends a row per item, made by `row`, SLICE_MS of work per task (the
 * first row in a task of its own); stops, returning false, once `current()` is false.
 */
async function appendInSlices(body, items, row, current) {
  replace(body);
  let sliceStarted = -Infinity;
  for (const item of items) {
    if (performance.now() - sliceStarted > SLICE_MS) {
      await nextTask();
      if (!current()) return false;
      sliceStarted = performance.now();
    }
    body.append(row(item));
  }
  return true;
}

/** Work on the main thread is cut into slices of about this many milliseconds. */
const SLICE_MS = 15;

async function renderTrends() {
  if (!report) return;
  const picked = byId('trend-pick').value;
  const series = trendSeries();
  const shown = picked ? series.filter((s) => s.key === picked) : series.slice(0, TRENDS_SHOWN);
  const { weeks, uncovered } = fmt.weeksOf(report.period, report.coverage.gaps);
  charts ??= await import('./charts.js');
  charts.weekly(byId('weekly'), shown, weeks, uncovered);
}

// ---------------------------------------------------------------- compare

/** Offers a split date within the new report's period: the first day of the latest export. */
function prepareCompare() {
  comparison = null;
  byId('comparison').hidden = true;
  delete byId('view-compare').dataset.state;
  const input = byId('split-at');
  if (!report.period) return;
  input.min = fmt.localDate(report.period.first);
  input.max = fmt.localDate(report.period.last);
  const starts = report.files.filter((f) => f.first).map((f) => fmt.localDate(f.first)).sort();
  const latest = starts.at(-1);
  const middle = new Date((Date.parse(input.min) + Date.parse(input.max)) / 2).toISOString().slice(0, 10);
  if (!input.value || input.value < input.min || input.value > input.max) input.value = latest && latest > input.min ? latest : middle;
}

function showComparison() {
  if (!comparison) return;
  renderComparison(comparison, (bundleId, name) => appLabel(report.apps.find((a) => a.bundle_id === bundleId) ?? { bundle_id: bundleId, name: name || bundleId }));
}

function compareAtDate(event) {
  event.preventDefault();
  if (!report || !byId('split-at').value) return;
  byId('view-compare').dataset.state = 'working';
  worker.postMessage({ type: 'compare', splitAt: byId('split-at').value, quietHours: quietHours() });
}

function compareWithFiles(files) {
  if (!report || files.length === 0) return;
  byId('view-compare').dataset.state = 'working';
  byId('progress').hidden = false;
  byId('progress-bar').value = 0;
  worker.postMessage({ type: 'compare-files', files, quietHours: quietHours() });
}

// ---------------------------------------------------------------- keeping exports (opt-in)

/** Shows what is kept on this device (exports, a language choice) and the button that forgets it. */
async function showKept() {
  const kept = await keptExports().catch(() => []);
  byId('kept').hidden = kept.length === 0;
  byId('forget').hidden = kept.length === 0 && !remembered();
  if (kept.length) {
    byId('keep').checked = true;
    const size = kept.reduce((sum, file) => sum + file.size, 0);
    byId('kept-text').textContent = t('keep.kept', { count: fmt.count(kept.length), n: kept.length, size: fmt.bytes(size) });
  }
}

async function keepFiles(files) {
  try {
    await keep(files);
  } catch (error) {
    showMessage(t('keep.failed', { error: error?.message ?? error }));
  }
  await showKept();
}

async function forget() {
  await forgetEverything().catch(() => {});
  forgetLanguage();
  byId('language-remember').checked = false;
  byId('keep').checked = false;
  await showKept();
  showMessage(t('keep.forgotten'));
}

function onTabKey(event) {
  const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
  if (!step) return;
  const current = TABS.findIndex((tab) => byId(`tab-${tab}`).getAttribute('aria-selected') === 'true');
  const next = TABS[(current + step + TABS.length) % TABS.length];
  selectTab(next);
  byId(`tab-${next}`).focus();
}

// ---------------------------------------------------------------- language

/** Everything rendered again in the new language (the results are not recomputed). */
function changeLanguage() {
  setLanguage(byId('language').value, byId('language-remember').checked);
  if (!report) return;
  [renderFindings, renderOverview, renderApps, renderNetwork, renderCompanies, renderSources, prepareTrends].forEach(renderNow);
  if (openApp) showApp(openApp, { focus: false });
  showComparison();
}

// ---------------------------------------------------------------- wiring

translateDocument();
byId('language').value = language;
byId('language-remember').checked = remembered();
byId('language').addEventListener('change', changeLanguage);
byId('language-remember').addEventListener('change', () => {
  setLanguage(language, byId('language-remember').checked);
  showKept();
});
startWorker();
fileInput.addEventListener('change', () => {
  analyze([...fileInput.files]);
  fileInput.value = ''; // choosing the same file again reads it again
});
byId('example').addEventListener('click', () => analyze([exampleInput()]));
byId('cancel').addEventListener('click', cancel);
byId('keep').addEventListener('change', () => { if (byId('keep').checked) keepFiles(lastInputs); });
byId('kept-open').addEventListener('click', async () => analyze(await keptExports()));
byId('forget').addEventListener('click', forget);
byId('trend-pick').addEventListener('change', renderTrends);
for (const id of Object.keys(CHART_TABLES)) {
  byId(id).closest('details').addEventListener('toggle', (event) => { if (event.target.open) buildChartTable(id); });
}
byId('weekly-table').closest('details').addEventListener('toggle', (event) => {
  if (event.target.open && report && !byId('weekly-table').dataset.built) buildWeeklyTable();
});
byId('compare-form').addEventListener('submit', compareAtDate);
byId('compare-file').addEventListener('change', () => {
  compareWithFiles([...byId('compare-file').files]);
  byId('compare-file').value = '';
});
for (const button of document.querySelectorAll('[data-export]')) {
  button.addEventListener('click', () => report && worker.postMessage({ type: 'export', name: button.dataset.export }));
}
byId('print').addEventListener('click', () => printResults(renderTrends));
showKept();
byId('app-back').addEventListener('click', closeApp);
byId('app-search').addEventListener('input', filterApps);
byId('trackers-only').addEventListener('change', () => report && renderNetwork());
byId('app-trackers-only').addEventListener('change', () => filterTrackers('app-domains', 'app-trackers-only'));
for (const tab of TABS) byId(`tab-${tab}`).addEventListener('click', () => selectTab(tab));
document.querySelector('.tabs').addEventListener('keydown', onTabKey);
for (const id of ['quiet-start', 'quiet-end']) {
  byId(id).addEventListener('change', () => {
    if (report && byId('quiet-start').value && byId('quiet-end').value) worker.postMessage({ type: 'report', quietHours: quietHours() });
  });
}

// Files dropped anywhere on the page are analysed, never opened by the browser.
const drop = byId('drop');
for (const type of ['dragenter', 'dragover']) {
  document.addEventListener(type, (event) => { event.preventDefault(); drop.classList.add('dragging'); });
}
document.addEventListener('dragleave', (event) => { if (!event.relatedTarget) drop.classList.remove('dragging'); });
document.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('dragging');
  analyze([...(event.dataTransfer?.files ?? [])]);
});
