// The charts of the app view, drawn by Apache ECharts on canvas (tens of thousands of
// intervals stay smooth). Loaded only when an app is opened.
//
// Times: the core gives each interval as UTC milliseconds plus the record's offset. The
// charts place it at its local clock time (UTC ms + offset) and ECharts formats the axis in
// UTC (`useUTC`), so the labels read as the phone's local time, whatever the viewer's zone.
//
// Tooltips are DOM nodes built with textContent (dom.js), never HTML strings: ECharts puts
// a formatter's string into the page as markup, and category names come from the file.

import * as echarts from './vendor/echarts.js';
import { h } from './dom.js';
import * as fmt from './format.js';
import { t, language } from './i18n.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const darkMode = matchMedia('(prefers-color-scheme: dark)');
const resized = new ResizeObserver((entries) => entries.forEach(({ target }) => echarts.getInstanceByDom(target)?.resize()));

/** A fresh chart in `element` (the one before it, if any, disposed). */
function chartIn(element) {
  echarts.getInstanceByDom(element)?.dispose();
  resized.observe(element);
  // ECharts' own words (the zoom slider's labels) in the page's language.
  return echarts.init(element, darkMode.matches ? 'dark' : null, { renderer: 'canvas', locale: language === 'zh-Hans' ? 'ZH' : 'EN' });
}

const tooltip = (format) => ({
  trigger: 'item',
  confine: true,
  formatter: (params) => h('div', { className: 'tip' }, format(params)),
});

/** The timeline of a longer history opens on its last this many days (zoom out for more). */
const TIMELINE_DAYS = 31;

/** Lanes per data category, one bar per access, zoomable down to minutes. */
export function timeline(element, app) {
  const lanes = app.access.filter((c) => c.intervals || c.events || c.open);
  const chart = chartIn(element);
  const local = (utcMs, offsetMinutes) => utcMs + offsetMinutes * MINUTE;
  const series = lanes.flatMap((c, lane) => [
    {
      type: 'custom',
      name: fmt.category(c.category),
      renderItem: bar,
      encode: { x: [1, 2], y: 0 },
      // An interval keeps its true length across an offset change: end = begin + duration.
      data: c.timeline.map(([begin, end, offset]) => [lane, local(begin, offset), local(begin, offset) + (end - begin), (end - begin) / 1000]),
      tooltip: tooltip(({ value }) => [
        h('strong', {}, fmt.category(c.category)), h('br'),
        `${clock(value[1])} → ${clock(value[2])}`, h('br'),
        fmt.duration(value[3]),
      ]),
    },
    {
      type: 'scatter',
      name: fmt.category(c.category),
      symbol: 'triangle',
      symbolSize: 9,
      data: [
        ...c.open_since.map(([at, offset]) => [local(at, offset), lane, t('chart.open')]),
        ...c.event_times.map(([at, offset]) => [local(at, offset), lane, t('chart.event')]),
      ],
      tooltip: tooltip(({ value }) => [h('strong', {}, fmt.category(c.category)), h('br'), clock(value[0]), h('br'), value[2]]),
    },
  ]);
  // Years of accesses drawn at once are slivers, and slow to draw: a long history opens on
  // its last weeks (the zoom goes out to all of it).
  let earliest = Infinity;
  let latest = -Infinity;
  const saw = (from, to) => {
    earliest = Math.min(earliest, from);
    latest = Math.max(latest, to);
  };
  for (const c of lanes) {
    for (const [begin, end, offset] of c.timeline) saw(local(begin, offset), local(begin, offset) + (end - begin));
    for (const [at, offset] of [...c.open_since, ...c.event_times]) saw(local(at, offset), local(at, offset));
  }
  const opening = latest - earliest > TIMELINE_DAYS * DAY ? { startValue: latest - TIMELINE_DAYS * DAY, endValue: latest } : {};
  chart.setOption({
    useUTC: true,
    animation: false,
    grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true, formatter: { year: '{yyyy}', month: '{yyyy}-{MM}', day: '{MM}-{dd}', hour: '{HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}' } } },
    yAxis: { type: 'category', data: lanes.map((c) => fmt.category(c.category)), inverse: true },
    dataZoom: [
      { type: 'inside', filterMode: 'weakFilter', minValueSpan: 2 * MINUTE, ...opening },
      { type: 'slider', filterMode: 'weakFilter', minValueSpan: 2 * MINUTE, bottom: 12, labelFormatter: (value) => clock(value), ...opening },
    ],
    tooltip: {},
    series,
  });
}

/** One access as a bar at least 2 px wide, clipped to the plot. */
function bar(params, api) {
  const lane = api.value(0);
  const start = api.coord([api.value(1), lane]);
  const end = api.coord([api.value(2), lane]);
  const height = api.size([0, 1])[1] * 0.6;
  const shape = echarts.graphic.clipRectByRect(
    { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height },
    { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height },
  );
  return shape && { type: 'rect', shape, style: api.style() };
}

/** The heatmap shows this many days at a time; a slider beside it moves through the rest. */
const HEATMAP_DAYS = 62;

/**
 * Accesses by local hour of day (columns) and day (rows), every day of the period; `counts`
 * maps a date (`YYYY-MM-DD`) to its 24 hourly counts. A long period opens on its last
 * HEATMAP_DAYS days (a chart a row per day for years of history was a canvas hundreds of
 * thousands of pixels tall, which froze the page for minutes).
 */
export function heatmap(element, counts, period) {
  const chart = chartIn(element);
  const days = fmt.datesBetween(fmt.localDate(period.first), fmt.localDate(period.last));
  const data = days.flatMap((date, row) => (counts.get(date) ?? []).map((n, hour) => [hour, row, n]).filter(([, , n]) => n > 0));
  let max = 1;
  for (const [, , n] of data) max = Math.max(max, n);
  const long = days.length > HEATMAP_DAYS;
  element.style.height = `${Math.max(220, Math.min(days.length, HEATMAP_DAYS) * 22 + 110)}px`;
  chart.resize();
  chart.setOption({
    animation: false,
    grid: { left: 8, right: long ? 56 : 16, top: 8, bottom: 90, containLabel: true },
    dataZoom: long ? [{
      type: 'slider',
      yAxisIndex: 0,
      right: 8,
      width: 24,
      filterMode: 'filter',
      startValue: days.length - HEATMAP_DAYS,
      endValue: days.length - 1,
      minValueSpan: 7,
      maxValueSpan: HEATMAP_DAYS - 1,
      showDetail: false,
    }] : [],
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0')), name: t('chart.hour-axis'), nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
    yAxis: { type: 'category', data: days, inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120 },
    tooltip: {},
    series: [{
      type: 'heatmap',
      data,
      tooltip: tooltip(({ value: [hour, row, n] }) => [
        h('strong', {}, days[row]), h('br'),
        `${String(hour).padStart(2, '0')}:00–${String(hour + 1).padStart(2, '0')}:00`, h('br'),
        t('chart.accesses', { count: fmt.count(n), n }),
      ]),
    }],
  });
}

/** Local milliseconds (see the top) as `YYYY-MM-DD HH:MM:SS`. */
function clock(localMs) {
  return new Date(localMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** Frees the charts in these elements. */
export function dispose(...elements) {
  for (const element of elements) echarts.getInstanceByDom(element)?.dispose();
}

/**
 * Accesses per local day over the whole period, quiet-hours ones apart, for every day from
 * the first to the last; the days no export covers (`gaps`) are shaded as "no data".
 */
export function daily(element, app, period, gaps) {
  const chart = chartIn(element);
  const days = fmt.datesBetween(fmt.localDate(period.first), fmt.localDate(period.last));
  const totals = new Map();
  for (const category of app.access) {
    for (const day of category.by_day) {
      const [all, quiet] = totals.get(day.date) ?? [0, 0];
      totals.set(day.date, [all + day.intervals, quiet + day.quiet_hours]);
    }
  }
  const value = (date, index) => (totals.get(date) ?? [0, 0])[index];
  const label = (params) => [h('strong', {}, params.name), h('br'), `${params.seriesName}: ${fmt.count(params.value)}`];
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0 },
    xAxis: { type: 'category', data: days, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    tooltip: {},
    series: [
      {
        type: 'bar', stack: 'day', name: t('chart.quiet'), data: days.map((d) => value(d, 1)),
        tooltip: tooltip(label),
        markArea: {
          silent: true,
          itemStyle: { color: 'rgba(128, 128, 128, 0.18)' },
          label: { show: true, position: 'insideTop', formatter: t('chart.no-data') },
          data: gaps.map((gap) => [{ xAxis: gap.first }, { xAxis: gap.last }]),
        },
      },
      { type: 'bar', stack: 'day', name: t('chart.other'), data: days.map((d) => value(d, 0) - value(d, 1)), tooltip: tooltip(label) },
    ],
  });
}

/**
 * Accesses per week, one line per series `{name, weeks: [{week, intervals}]}`, over the
 * Mondays `weeks`; a week in `uncovered` (no export covers any of its days) has no value
 * and is shaded, so the line breaks there instead of dropping to zero.
 */
export function weekly(element, series, weeks, uncovered) {
  const chart = chartIn(element);
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
    legend: { type: 'scroll', bottom: 0 },
    xAxis: { type: 'category', data: weeks, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    tooltip: {},
    series: series.map((s, index) => {
      const byWeek = new Map(s.weeks.map((w) => [w.week, w.intervals]));
      return {
        type: 'line',
        name: s.name,
        data: weeks.map((week) => (uncovered.has(week) ? null : byWeek.get(week) ?? 0)),
        tooltip: tooltip((params) => [h('strong', {}, params.seriesName), h('br'), t('chart.week-of', { week: params.name, n: fmt.count(params.value) })]),
        markArea: index > 0 ? undefined : {
          silent: true,
          itemStyle: { color: 'rgba(128, 128, 128, 0.18)' },
          label: { show: true, position: 'insideTop', formatter: t('chart.no-data') },
          data: [...uncovered].map((week) => [{ xAxis: week }, { xAxis: week }]),
        },
      };
    }),
  });
}
