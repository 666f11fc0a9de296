// How the page starts its analysis worker and offers the bundled example, when the site is
// served over http(s). The single-file build swaps this module for
// single-file/runtime-page.js (a worker from a Blob URL, the example inlined).

/**
 * Starts the analysis worker (worker.js, a module worker from this site) and records how
 * the analysis runs in <main data-analysis> ("worker"; the single file may say "main-thread").
 */
export function startAnalysisWorker() {
  document.getElementById('main').dataset.analysis = 'worker';
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

/** The bundled example as an input of the worker's `analyze` message (the worker fetches it). */
export function exampleInput() {
  return { name: 'example (generated).ndjson', url: new URL('./example.ndjson', import.meta.url).href };
}
