// The analysis worker: reads the files in slices, feeds the core (WebAssembly) and answers
// with JSON the core computed. It runs off the page's main thread, so the page never freezes;
// to cancel, the page terminates it.
//
// Messages in:  {type: 'analyze', files: [File|{name, url}], quietHours: 'HH:MM-HH:MM'}
//               {type: 'report', quietHours}          (recompute without reading again)
//               {type: 'app', bundleId}               (one app with its intervals)
//               {type: 'export', name}                (a file made from the last report)
//               {type: 'compare', splitAt, quietHours} (before and after a local date)
//               {type: 'compare-files', files, quietHours} (the history before, these files after)
// Messages out: {type: 'ready'}
//               {type: 'progress', bytes, total, records, file}
//               {type: 'report', json, domains (JSON of report.domains), unreadable: [{file, message}], seconds, timing}
//               {type: 'app', bundleId, json}
//               {type: 'export', name, text}
//               {type: 'comparison', json, unreadable}
//               {type: 'failed', request (the type of the message that failed), message}
//               {type: 'failed', request: 'compare-files', code: 'not-export', unreadable} (no export among them)

import { Session, startEngine, loadTrackerdb, startReader } from './runtime-worker.js';

// Slices of a few MiB measured fastest here. A reading worker (reader.js) keeps up to AHEAD
// slices ready, so reading overlaps parsing.
const SLICE = 4 << 20;
const AHEAD = 3;
// A wait for the next slice longer than this means the reading worker is the slower one
// (feeding a slice takes 10–40 ms).
const READER_LATE_MS = 2;

// A generated export of this size goes through the core before the worker says 'ready',
// while the user picks a file (Session.warmUp): the report of a 100 MB file then takes
// 250–500 ms instead of 600–1000 ms. It takes 150–300 ms here.
const WARM_UP_BYTES = 2 << 20;

let session = null;
// The next analysis's session, made while the worker is idle (tracker database loaded).
let nextSession = null;
let warmUpMs = 0; // for `make bench-web`
// Without the tracker database, owners come from the project's table and Apple.
const trackerdb = loadTrackerdb();
const ready = startEngine().then(async (wasm) => {
  const started = performance.now();
  Session.warmUp(entropy(), WARM_UP_BYTES);
  warmUpMs = Math.round(performance.now() - started);
  nextSession = await newSession();
  return wasm;
});
const reader = startReader();
// A reading worker that fails to start (a browser without module workers inside workers,
// say) leaves the reading to this worker.
let readerFailed = false;
if (reader) reader.onerror = () => { readerFailed = true; };

self.onmessage = async ({ data }) => {
  try {
    await ready;
    if (data.type === 'analyze') await analyze(data.files, data.quietHours);
    else if (data.type === 'report') postMessage({ type: 'report', json: session.report(data.quietHours), domains: session.domains(), unreadable: [] });
    else if (data.type === 'app') postMessage({ type: 'app', bundleId: data.bundleId, json: session?.app(data.bundleId) ?? null });
    else if (data.type === 'export') postMessage({ type: 'export', name: data.name, text: session.export(data.name) });
    else if (data.type === 'compare') postMessage({ type: 'comparison', json: session.compareSplit(data.splitAt, data.quietHours), unreadable: [] });
    else if (data.type === 'compare-files') await compareFiles(data.files, data.quietHours);
  } catch (error) {
    postMessage({ type: 'failed', request: data.type, message: String(error?.message ?? error) });
  }
};

ready.then(() => postMessage({ type: 'ready' }), (error) => postMessage({ type: 'failed', message: `The analysis engine could not start: ${error}` }));

async function analyze(inputs, quietHours) {
  const started = performance.now();
  session?.free();
  session = nextSession ?? await newSession();
  nextSession = null;
  const { unreadable, timing } = await read(session, inputs, started);
  const reported = performance.now();
  const json = session.report(quietHours);
  const domains = session.domains();
  timing.report = performance.now() - reported;
  timing.wasmMiB = Math.round((await ready).memory.buffer.byteLength / 1048576);
  timing.warmUp = warmUpMs;
  postMessage({ type: 'report', json, domains, unreadable, seconds: (performance.now() - started) / 1000, timing });
  nextSession = await newSession();
}

/** Reads `inputs` into a session of their own and compares the current history with them. */
async function compareFiles(inputs, quietHours) {
  const after = await newSession();
  try {
    const { unreadable } = await read(after, inputs, performance.now());
    if (after.hasExport()) postMessage({ type: 'comparison', json: session.compareWith(after, quietHours), unreadable });
    else postMessage({ type: 'failed', request: 'compare-files', code: 'not-export', unreadable });
  } finally {
    after.free();
  }
}

/**
 * Reads each input into `target`, posting progress; returns the files that could not be read
 * and the time spent (`started`: when the request came, for `make bench-web`).
 */
async function read(target, inputs, started) {
  const files = await Promise.all(inputs.map(blobOf));
  const total = files.reduce((sum, { blob }) => sum + (blob?.size ?? 0), 0);
  const unreadable = [];
  let bytes = 0;
  // ms, and how many slices came digested, for `make bench-web`
  const timing = { starting: performance.now() - started, waiting: 0, feeding: 0, report: 0, slices: 0, digested: 0 };
  for (const { name, blob, error } of files) {
    if (!blob) {
      unreadable.push({ file: name, message: error });
      continue;
    }
    target.startFile(name, blob.size);
    try {
      let waited = performance.now();
      for await (const { slice, digests } of slices(blob)) {
        const fed = performance.now();
        if (digests) target.feedDigested(slice, digests);
        else target.feed(slice);
        timing.waiting += fed - waited;
        waited = performance.now();
        timing.feeding += waited - fed;
        timing.digested += digests ? 1 : 0;
        timing.slices += 1;
        bytes += slice.byteLength;
        postMessage({ type: 'progress', bytes, total, records: target.recordsRead(), file: name });
      }
    } catch (error) {
      // The browser could not read the file (moved, deleted, no permission): what was
      // read still counts; the page says which file stopped and why.
      unreadable.push({ file: name, message: `reading stopped after ${bytes} bytes: ${error?.message ?? error}` });
    }
    target.finishFile();
  }
  return { unreadable, timing };
}

/** A session with the tracker database loaded, its hash tables seeded with fresh randomness. */
async function newSession() {
  const fresh = new Session(entropy());
  const trackers = await trackerdb;
  if (trackers) fresh.loadTrackerdb(trackers);
  return fresh;
}

/** 64 random bits for the core's hash tables (WebAssembly has no randomness of its own). */
function entropy() {
  return crypto.getRandomValues(new BigUint64Array(1))[0];
}

/**
 * The blob's bytes in slices of at most SLICE bytes, in order, each with the digests of its
 * whole lines when the reading worker made them (see reader.js). The reading worker reads
 * into AHEAD buffers that go back to it once the slice is consumed: each view is valid only
 * until the loop asks for the next one.
 *
 * Digesting is split between the two workers by need: a buffer goes back asking for its
 * next slice's digests while slices wait here (this worker is the slower), and without
 * when this worker had to wait for one (the reading worker is).
 */
async function* slices(blob) {
  if (!reader || readerFailed) {
    // No (working) workers inside workers here: read in this thread, one slice ahead.
    for (let offset = 0; offset < blob.size; offset += SLICE) {
      yield { slice: new Uint8Array(await blob.slice(offset, offset + SLICE).arrayBuffer()) };
    }
    return;
  }
  const arrived = [];
  let wake = null;
  reader.onmessage = ({ data }) => {
    arrived.push(data);
    wake?.();
  };
  reader.onerror = (event) => {
    readerFailed = true;
    arrived.push({ error: `the reading worker stopped (${event.message || 'no reason given'})` });
    wake?.();
  };
  const buffers = Array.from({ length: AHEAD }, () => new ArrayBuffer(SLICE));
  reader.postMessage({ blob, slice: SLICE, buffers }, buffers);
  for (;;) {
    // Slices that arrived while this worker was busy are dispatched only now (a message is
    // a task, and the loop runs in microtasks), so a short wait is no sign of a slow reader.
    const asked = performance.now();
    while (arrived.length === 0) await new Promise((resolve) => { wake = resolve; });
    const waited = performance.now() - asked > READER_LATE_MS;
    const message = arrived.shift();
    if (message.done) return;
    if (message.error) throw new Error(message.error);
    const digests = message.digests ? new Uint8Array(message.digests, 0, message.digestsLength) : undefined;
    yield { slice: new Uint8Array(message.buffer, 0, message.length), digests };
    const handBack = message.digests ? [message.buffer, message.digests] : [message.buffer];
    reader.postMessage({ buffer: message.buffer, digest: !waited, digests: message.digests }, handBack);
  }
}

/** A File as is; {name, url} (the served site's example) fetched. */
async function blobOf(input) {
  if (input instanceof Blob) return { name: input.name, blob: input };
  try {
    const response = await fetch(input.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return { name: input.name, blob: await response.blob() };
  } catch (error) {
    return { name: input.name, error: `could not load it: ${error.message}` };
  }
}
