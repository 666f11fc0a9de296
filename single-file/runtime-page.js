// How the page starts its analysis in the single file (dist/privacy-lens.html), opened from
// disk where a module worker cannot start: the worker's code (www/worker.js, bundled by
// scripts/single-file.mjs) is the inline <script id="analysis-worker">, which defines
// privacyLensWorker(self, postMessage). It runs in a worker started from a Blob URL of that
// script's text; where the engine refuses that worker, it runs in the page itself, reading in
// small slices with a task boundary between them (runtime-worker.js).
//
// <main data-analysis> says which: "worker" or "main-thread".

import example from '../www/example.ndjson';

/** The bundled example (inlined as text), as a File. */
export function exampleInput() {
  return new File([example], 'example (generated).ndjson', { type: 'application/x-ndjson' });
}

/** Starts the analysis; the result behaves as a Worker (onmessage, onerror, postMessage, terminate). */
export function startAnalysisWorker() {
  return new Analysis();
}

class Analysis {
  onmessage = null;
  onerror = null;
  #engine; // {postMessage, terminate}: the worker, or the page's stand-in for it
  #ready = false;
  #queued = []; // messages posted before the engine was ready, in order

  constructor() {
    try {
      this.#engine = this.#inWorker();
    } catch {
      this.#engine = this.#inPage();
    }
  }

  postMessage(message) {
    if (this.#ready) this.#engine.postMessage(message);
    else this.#queued.push(message);
  }

  terminate() {
    this.#engine.terminate();
  }

  #receive(data, mode) {
    if (data.type === 'ready') {
      document.getElementById('main').dataset.analysis = mode;
      this.#ready = true;
      for (const message of this.#queued.splice(0)) this.#engine.postMessage(message);
    }
    this.onmessage?.({ data });
  }

  #inWorker() {
    const code = `${document.getElementById('analysis-worker').textContent}\nprivacyLensWorker(self, self.postMessage.bind(self));`;
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = ({ data }) => {
      if (data.type === 'ready') URL.revokeObjectURL(url);
      this.#receive(data, 'worker');
    };
    worker.onerror = (event) => {
      if (this.#ready) {
        this.onerror?.(event);
        return;
      }
      // It could not start (an engine that allows no worker here): analyse in the page.
      event.preventDefault();
      worker.terminate();
      this.#engine = this.#inPage();
    };
    return worker;
  }

  #inPage() {
    // The worker's global scope, as far as worker.js uses it; `closed` stops its reading.
    const scope = { onmessage: null, closed: false };
    const answer = (data) => setTimeout(() => { if (!scope.closed) this.#receive(data, 'main-thread'); });
    privacyLensWorker(scope, answer);
    return {
      postMessage: (data) => setTimeout(() => { if (!scope.closed) scope.onmessage?.({ data }); }),
      terminate: () => { scope.closed = true; },
    };
  }
}
