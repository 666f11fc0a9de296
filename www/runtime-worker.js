// How the analysis worker (worker.js) gets the core, the tracker database and its reading
// worker, when the site is served over http(s): each from this site. The single-file build
// swaps this module for single-file/runtime-worker.js (all of them inlined).

import init from './pkg/privacy_lens.js';

export { Session } from './pkg/privacy_lens.js';

/** Compiles and starts the core; resolves to its WebAssembly exports. */
export function startEngine() {
  return init();
}

/**
 * The tracker database (a separate file under its own licence, see
 * data/LICENSE-trackerdb.md) as bytes, or null when it cannot be loaded.
 */
export function loadTrackerdb() {
  return fetch(new URL('./data/trackerdb.tsv', import.meta.url))
    .then((response) => (response.ok ? response.arrayBuffer() : null))
    .then((buffer) => (buffer ? new Uint8Array(buffer) : null), () => null);
}

/**
 * The reading worker (reader.js, a module: it imports the core to digest slices), or null
 * where workers cannot start workers.
 */
export function startReader() {
  return typeof Worker === 'function' ? new Worker(new URL('./reader.js', import.meta.url), { type: 'module' }) : null;
}
