// How the analysis worker (www/worker.js) gets the core, the tracker database and its reader
// in the single file (dist/privacy-lens.html): the first two inlined at build time by
// scripts/single-file.mjs, so nothing is fetched (a page opened from disk may fetch nothing).
//
// The files are read by the page, not here: WebKit lets a worker started from a Blob URL in
// a page opened from disk read no File at all ("The I/O read operation failed"), while the
// page can. The page sends a MessagePort first ({type: 'reader-port', port}) and answers on
// it with reader.js's protocol (runtime-page.js); the slices are transferred, not copied.
// (The reading buffers worker.js hands over and back are not reused here: the page reads
// each slice into a fresh one.)
//
// This code runs either in a worker started from a Blob URL or, where the engine refuses
// that, in the page itself (runtime-page.js), where `self` is the page's stand-in for the
// worker's global scope.

import init from '../www/pkg/privacy_lens.js';
import wasm from '../www/pkg/privacy_lens_bg.wasm';
import trackerdb from '../www/data/trackerdb.tsv';

export { Session } from '../www/pkg/privacy_lens.js';

/** Compiles and starts the core from its inlined bytes; resolves to its WebAssembly exports. */
export function startEngine() {
  return init({ module_or_path: wasm });
}

/** The tracker database (inlined; its licence is in the file's footer). */
export async function loadTrackerdb() {
  return new TextEncoder().encode(trackerdb);
}

/**
 * The reader: reader.js's protocol, spoken with the page over the port it sends. What
 * worker.js asks before the port arrives waits for it.
 */
export function startReader() {
  let port = null;
  const waiting = [];
  const reader = {
    onmessage: null,
    postMessage(message, transfer = []) {
      if (port) port.postMessage(message, transfer);
      else waiting.push([message, transfer]);
    },
  };
  self.addEventListener('message', function takePort({ data }) {
    if (data?.type !== 'reader-port') return;
    self.removeEventListener('message', takePort);
    port = data.port;
    port.onmessage = (event) => reader.onmessage?.(event);
    for (const [message, transfer] of waiting.splice(0)) port.postMessage(message, transfer);
  });
  return reader;
}
