// How numbers, times and names are shown. Times arrive from the core as RFC 3339 strings in
// the record's own offset; they are shown in that local time, with the offset, never
// converted to the viewer's time zone (the phone's clock is what the user lived by). Dates
// are written YYYY-MM-DD in both languages: unambiguous, and usual in Chinese too.

import { t, has, number } from './i18n.js';

/** 12,345 (in the page's language) */
export function count(n) {
  return number(n);
}

/** 58.9 s, 12 min 5 s, 3 h 12 min */
export function duration(seconds) {
  if (seconds < 60) return t('unit.s', { n: seconds < 10 ? seconds.toFixed(1).replace(/\.0$/, '') : Math.round(seconds) });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('unit.min-s', { m: minutes, s: Math.round(seconds - minutes * 60) });
  return t('unit.h-min', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** 12.3 MB */
export function bytes(n) {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** `2021-10-06T00:35:35.471+08:00` → `2021-10-06 00:35:35 (UTC+08:00)` */
export function localTime(rfc3339) {
  if (!rfc3339) return '';
  return `${rfc3339.slice(0, 10)} ${rfc3339.slice(11, 19)} (${offsetOf(rfc3339)})`;
}

/** The date part of an RFC 3339 time. */
export function localDate(rfc3339) {
  return rfc3339 ? rfc3339.slice(0, 10) : '';
}

/** Begin and end of one interval, the end's date left out when it is the same day. */
export function span(begin, end) {
  const endText = end.slice(0, 10) === begin.slice(0, 10) ? end.slice(11, 19) : `${end.slice(0, 10)} ${end.slice(11, 19)}`;
  return `${begin.slice(0, 10)} ${begin.slice(11, 19)} → ${endText} (${offsetOf(end)})`;
}

function offsetOf(rfc3339) {
  const match = /(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  return match ? (match[1] === 'Z' ? t('time.utc') : t('time.offset', { offset: match[1] })) : '';
}

/** The name of a data category; unknown ones as written in the file. */
export function category(name) {
  return has(`category.${name}`) ? t(`category.${name}`) : name;
}

/** The title of a finding rule. */
export function rule(id) {
  return has(`rule.${id}`) ? t(`rule.${id}`) : id;
}

/** What a domain is for (a category of the tracker database or the project's table). */
export function domainCategory(id) {
  return has(`domain.${id}`) ? t(`domain.${id}`) : id;
}

/** `first` / `third` party, in words; nothing for `unknown`. */
export function party(id) {
  return has(`party.${id}`) ? t(`party.${id}`) : '';
}

/** The rule ids, in the order findings are grouped. */
export const RULES = ['quiet_hours_access', 'long_access', 'frequent_access', 'flagged_domains', 'third_party_trackers'];

const GENERATIONS = {
  'ios15-beta1': 'iOS 15 beta 1',
  'ios15-beta2': 'iOS 15 beta 2',
  'ios15.0-15.1': 'iOS 15.0–15.1',
  'ios15.2-17': 'iOS 15.2–17',
  'ios15-17': 'iOS 15–17',
};

/** The export format, in words. */
export function generation(id) {
  if (!id) return t('generation.none');
  return has(`generation.${id}`) ? t(`generation.${id}`) : GENERATIONS[id] ?? id;
}

const DAY = 86_400_000;

/** Every `YYYY-MM-DD` from `first` to `last`, both included. */
export function datesBetween(first, last) {
  const dates = [];
  for (let t = Date.parse(`${first}T00:00:00Z`), end = Date.parse(`${last}T00:00:00Z`); t <= end; t += DAY) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

/** The Monday of the week of a `YYYY-MM-DD` date. */
function mondayOf(date) {
  const t = Date.parse(`${date}T00:00:00Z`);
  return new Date(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
}

/**
 * The weeks (their Mondays) from the first to the last day of `period`, and those of them
 * that no export covers on any day (every day in `gaps`).
 */
export function weeksOf(period, gaps) {
  if (!period) return { weeks: [], uncovered: new Set() };
  const missing = new Set(gaps.flatMap((gap) => datesBetween(gap.first, gap.last)));
  const weeks = datesBetween(mondayOf(localDate(period.first)), mondayOf(localDate(period.last))).filter((_, i) => i % 7 === 0);
  const uncovered = new Set(weeks.filter((monday) => datesBetween(monday, new Date(Date.parse(`${monday}T00:00:00Z`) + 6 * DAY).toISOString().slice(0, 10)).every((d) => missing.has(d))));
  return { weeks, uncovered };
}
