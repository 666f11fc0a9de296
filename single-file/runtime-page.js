// How the page starts its analysis in the single file (dist/privacy-lens.html), opened from
// disk where a module worker cannot start: the worker's code (www/worker.js, bundled by
// scripts/single-file.mjs) is the inline <script id="analysis-worker">, which defines
// privacyLensWorker(self, postMessage). It runs in a worker started from a Blob URL of that
// script's text; where the engine refuses that worker, it runs in the page itself.
//
// Either way the page reads the files and hands the slices over a MessagePort (see
// runtime-worker.js for why); in the page itself, in slices small enough that feeding one
// to the core takes a few milliseconds, each a task of its own, so the page keeps answering.
//
// <main data-analysis> says which: "worker" or "main-thread". The worker also receives the
// message {type: 'reader-port', port}, which worker.js ignores.

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

  /** Starts reading for `engine` in this page: sends it the port of a reader. */
  #connectReader(engine, sliceLimit) {
    const channel = new MessageChannel();
    serveReads(channel.port1, sliceLimit);
    engine.postMessage({ type: 'reader-port', port: channel.port2 }, [channel.port2]);
    return channel.port1;
  }

  #inWorker() {
    const code = `${document.getElementById('analysis-worker').textContent}\nprivacyLensWorker(self, self.postMessage.bind(self));`;
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = ({ data }) => {
      if (data.type === 'ready') URL.revokeObjectURL(url);
      this.#receive(data, 'worker');
    };
    const readerPort = this.#connectReader(worker, Infinity);
    worker.onerror = (event) => {
      if (this.#ready) {
        this.onerror?.(event);
        return;
      }
      // It could not start (an engine that allows no worker here): analyse in the page.
      event.preventDefault();
      readerPort.close();
      worker.terminate();
      this.#engine = this.#inPage();
    };
    return { postMessage: (message) => worker.postMessage(message), terminate: () => { readerPort.close(); worker.terminate(); } };
  }

  #inPage() {
    // The worker's global scope, as far as worker.js and runtime-worker.js use it.
    const scope = new EventTarget();
    scope.onmessage = null;
    let closed = false;
    const answer = (data) => setTimeout(() => { if (!closed) this.#receive(data, 'main-thread'); });
    privacyLensWorker(scope, answer);
    const engine = {
      postMessage: (data) => setTimeout(() => {
        if (closed) return;
        const event = new MessageEvent('message', { data });
        scope.dispatchEvent(event);
        scope.onmessage?.(event);
      }),
      terminate: () => {
        closed = true;
        readerPort.close();
      },
    };
    const readerPort = this.#connectReader(engine, IN_PAGE_SLICE);
    return engine;
  }
}

/** Slices read for the analysis in the page: the core feeds 256 KiB in a few milliseconds. */
const IN_PAGE_SLICE = 256 << 10;

/**
 * Answers on `port` as reader.js does ({blob, slice, buffers} to start, then {buffer} for
 * each buffer handed back; {buffer, length} per slice in order, then {done: true}, or
 * {error}), reading in this page slices of at most `sliceLimit` bytes. Each slice is a fresh
 * buffer, transferred; a buffer handed back only allows one more slice ahead.
 */
function serveReads(port, sliceLimit) {
  let job = null;
  async function pump(current) {
    if (current.busy) return;
    current.busy = true;
    while (job === current && current.credits > 0) {
      if (current.offset >= current.blob.size) {
        job = null;
        port.postMessage({ done: true });
        break;
      }
      current.credits--;
      try {
        const buffer = await current.blob.slice(current.offset, current.offset + current.slice).arrayBuffer();
        current.offset += current.slice;
        port.postMessage({ buffer, length: buffer.byteLength }, [buffer]);
      } catch (error) {
        job = null;
        port.postMessage({ error: String(error?.message ?? error) });
      }
    }
    current.busy = false;
  }
  port.onmessage = ({ data }) => {
    if (data.blob) job = { blob: data.blob, slice: Math.min(data.slice, sliceLimit), offset: 0, credits: data.buffers.length, busy: false };
    else if (job) job.credits++;
    if (job) pump(job);
  };
}
