// How the analysis worker (www/worker.js) gets the core, the tracker database and its reading
// worker in the single file (dist/privacy-lens.html): all inlined at build time by
// scripts/single-file.mjs, so nothing is fetched (a page opened from disk may fetch nothing).
//
// This code runs either in a worker started from a Blob URL or, where the engine refuses
// that, in the page itself (runtime-page.js), where `self` is the page's stand-in for the
// worker's global scope.

import init from '../www/pkg/privacy_lens.js';
import wasm from '../www/pkg/privacy_lens_bg.wasm';
import trackerdb from '../www/data/trackerdb.tsv';
import readerSource from 'text:../www/reader.js';

export { Session } from '../www/pkg/privacy_lens.js';

const inPage = typeof WorkerGlobalScope === 'undefined';

/** Compiles and starts the core from its inlined bytes; resolves to its WebAssembly exports. */
export function startEngine() {
  return init({ module_or_path: wasm });
}

/** The tracker database (inlined; its licence is in the file's footer). */
export async function loadTrackerdb() {
  return new TextEncoder().encode(trackerdb);
}

/**
 * The reading worker (reader.js, from a Blob URL), or null where it cannot start (worker.js
 * then reads in its own thread); in the page, a reader that keeps each task short.
 */
export function startReader() {
  if (inPage) return inPageReader();
  try {
    return new Worker(URL.createObjectURL(new Blob([readerSource], { type: 'text/javascript' })));
  } catch {
    return null;
  }
}

/**
 * Slices read in the page: feeding 256 KiB to the core takes a few milliseconds, far below
 * the 50 ms that make a task "long".
 */
const IN_PAGE_SLICE = 256 << 10;

/**
 * reader.js's protocol ({blob} then {type: 'more'} per slice; {buffer} per slice, then
 * {done} or {error}), run in the page: one slice at a time, each read awaited, so that the
 * page gets its turn between slices. Stops answering once the page terminates the analysis.
 */
function inPageReader() {
  let job = null;
  const reader = {
    onmessage: null,
    postMessage(message) {
      if (message.blob) job = { blob: message.blob, offset: 0 };
      if (job) readNext(job);
    },
  };
  const deliver = (data) => {
    if (!self.closed) reader.onmessage?.({ data });
  };
  async function readNext(current) {
    if (current.offset >= current.blob.size) {
      job = null;
      deliver({ done: true });
      return;
    }
    try {
      const buffer = await current.blob.slice(current.offset, current.offset + IN_PAGE_SLICE).arrayBuffer();
      current.offset += IN_PAGE_SLICE;
      deliver({ buffer });
    } catch (error) {
      job = null;
      deliver({ error: String(error?.message ?? error) });
    }
  }
  return reader;
}
