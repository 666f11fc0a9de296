// The plain-JavaScript way, for scale in `make bench-web`: the same reading and the same
// aggregation as the core (deduplicate access records by identifier and kind, pair them into
// intervals per app × category with quiet hours and longest, sum network hits per app ×
// domain), with JSON.parse per line. Not part of the site.

const SLICE = 4 << 20;

self.onmessage = async ({ data: { file } }) => {
  const decoder = new TextDecoder();
  const access = new Map(); // identifier + kind → record
  const network = new Map(); // app + domain → hits
  let rest = '';
  let lines = 0;
  let skipped = 0;
  const take = (line) => {
    if (!line.trim()) return;
    lines++;
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      skipped++;
      return;
    }
    if (record.type === 'access') {
      const key = `${record.identifier}\u0000${record.kind}`;
      const kept = access.get(key);
      if (!kept || Date.parse(record.timeStamp) < Date.parse(kept.timeStamp)) access.set(key, record);
    } else if (record.type === 'networkActivity') {
      const key = `${record.bundleID}\u0000${String(record.domain).toLowerCase()}`;
      network.set(key, (network.get(key) ?? 0) + (record.hits ?? 0));
    }
  };
  for (let offset = 0; offset < file.size; offset += SLICE) {
    const text = rest + decoder.decode(await file.slice(offset, offset + SLICE).arrayBuffer(), { stream: true });
    const parts = text.split('\n');
    rest = parts.pop();
    parts.forEach(take);
  }
  take(rest + decoder.decode());

  const categories = new Map(); // app + category → {intervals, quiet, longest}
  for (const record of access.values()) {
    if (record.kind !== 'intervalBegin') continue;
    const end = access.get(`${record.identifier}\u0000intervalEnd`);
    if (!end) continue;
    const seconds = (Date.parse(end.timeStamp) - Date.parse(record.timeStamp)) / 1000;
    const key = `${record.accessor.identifier}\u0000${record.category}`;
    const summary = categories.get(key) ?? { intervals: 0, quiet: 0, longest: 0 };
    summary.intervals++;
    summary.quiet += Number(record.timeStamp.slice(11, 13)) < 6 ? 1 : 0;
    summary.longest = Math.max(summary.longest, seconds);
    categories.set(key, summary);
  }
  postMessage({ lines, skipped, categories: categories.size, domains: network.size });
};
