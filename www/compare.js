// The comparison of two periods (or two sets of exports) as a readable diff: the core
// computed it (privacy-lens compare); this only lays it out, biggest changes first.

import { h, replace, byId, withData } from './dom.js';
import * as fmt from './format.js';
import { t } from './i18n.js';

/** How many changes are listed before the rest is folded away (all stay in the DOM). */
const CHANGES_SHOWN = 25;

/** Renders `comparison`; `appLabel` shows an app by bundle ID. */
export function renderComparison(comparison, appLabel) {
  byId('comparison').hidden = false;
  const side = (s) => withData('compare.side', {
    period: s.period ? t('time.span', { first: fmt.localTime(s.period.first), last: fmt.localTime(s.period.last) }) : t('overview.none'),
    days: fmt.count(s.days_covered),
    n: s.days_covered,
    files: s.files.join(', '),
  }, ['files']);
  replace(byId('compare-sides'),
    h('dt', {}, t('compare.before')), h('dd', {}, side(comparison.before)),
    h('dt', {}, t('compare.after')), h('dd', {}, side(comparison.after)));

  const rows = comparison.changes.map((c) => h('tr', { dataset: { bundleId: c.bundle_id, category: c.category, status: c.status } },
    h('th', { scope: 'row' }, appLabel(c.bundle_id, c.name)),
    h('td', {}, fmt.category(c.category), c.status === 'both' ? null : h('span', { className: 'badge' }, t(`compare.${c.status}`))),
    h('td', { className: 'num' }, perDay(c.before.per_day)),
    h('td', { className: 'num' }, perDay(c.after.per_day)),
    h('td', { className: `num ${c.change.per_day > 0 ? 'up' : c.change.per_day < 0 ? 'down' : ''}` }, signed(c.change.per_day)),
    h('td', { className: 'num' }, c.before.intervals ? percent(c.before.quiet_share) : ''),
    h('td', { className: 'num' }, c.after.intervals ? percent(c.after.quiet_share) : ''),
    h('td', { className: 'num' }, c.before.intervals ? fmt.duration(c.before.max_seconds) : ''),
    h('td', { className: 'num' }, c.after.intervals ? fmt.duration(c.after.max_seconds) : '')));
  const body = byId('changes').tBodies[0];
  replace(body, rows.slice(0, CHANGES_SHOWN));
  if (rows.length > CHANGES_SHOWN) {
    const more = h('tr', { className: 'more' }, h('td', { colSpan: 9 },
      h('button', { type: 'button', className: 'link', on: { click: () => { more.remove(); body.append(...rows.slice(CHANGES_SHOWN)); } } },
        t('compare.more', { n: fmt.count(rows.length - CHANGES_SHOWN) }))));
    body.append(more);
  }
  if (rows.length === 0) replace(body, h('tr', {}, h('td', { colSpan: 9, className: 'empty' }, t('compare.empty'))));

  list('new-companies', comparison.new_third_parties.map((n) => [appLabel(n.bundle_id, n.name), ': ', n.companies.join(', ')]));
  list('apps-appeared', comparison.apps_appeared.map((a) => appLabel(a.bundle_id, a.name)));
  list('apps-disappeared', comparison.apps_disappeared.map((a) => appLabel(a.bundle_id, a.name)));
  list('domains-appeared', comparison.domains_appeared);
  list('domains-disappeared', comparison.domains_disappeared);
}

/** Items (from the files: names, domains) as a list, or "None". */
function list(id, items) {
  replace(byId(id), items.length ? items.map((item) => h('li', { translate: false }, item)) : h('li', { className: 'empty' }, t('compare.none')));
}

function perDay(n) {
  return n === 0 ? '0' : n < 10 ? fmt.count(Number(n.toFixed(1))) : fmt.count(Math.round(n));
}

function signed(n) {
  if (n === 0) return '±0';
  return `${n > 0 ? '+' : '−'}${perDay(Math.abs(n))}`;
}

function percent(share) {
  return `${Math.round(share * 100)}%`;
}
