// The reading worker, started by the analysis worker: reads a file into a few buffers that
// go back and forth between the two workers (transferred, never copied), so reading
// overlaps the analysis and a 1 GB file leaves no garbage slices behind for the collector.
// Where the browser cannot read a blob into a given buffer (no BYOB reader for
// Blob.stream()), each slice is a fresh buffer from FileReaderSync instead.
//
// It also digests the slices the analysis worker asks it to, with its own instance of the
// core (a `Digester`): digesting is most of the work of reading an export, and WebAssembly has
// one thread per instance, so this is how the analysis gets a second core. The analysis
// worker asks for a slice's digests when it is the slower of the two, and does without
// them when it waits for this worker (see worker.js).
//
// In:  {blob, slice, buffers}: buffers of `slice` bytes to fill, transferred, to digest
//      {buffer, digest, digests?}: a buffer handed back after use, to fill again; digest
//      its slice?; a digests buffer handed back, to reuse
// Out: {buffer, length, digests?, digestsLength} per slice in order (`length` bytes of
//      `buffer` are the file's; `digestsLength` bytes of `digests`, an ArrayBuffer, are the
//      digests, when asked for and the core could make them), then {done: true}; {error}
//      if the browser cannot read the file
//
// Digests buffers go back and forth as the slices' buffers do: a fresh one per slice left
// hundreds of MB of garbage behind at 1 GB.

import init, { Digester, warmUpDigest } from './pkg/privacy_lens.js';

// As the analysis worker does (worker.js): the first slices meet warm code.
const WARM_UP_BYTES = 1 << 20;

let job = null;
// Digests buffers to reuse.
const spareDigests = [];
// The core's memory and a digester, or null where the core cannot start here (the slices
// then go without digests).
const engine = init().then((wasm) => {
  warmUpDigest(WARM_UP_BYTES);
  return { memory: wasm.memory, digester: new Digester() };
}, () => null);

self.onmessage = ({ data }) => {
  if (data.digests) spareDigests.push(data.digests);
  if (data.blob) start(data);
  else if (job) {
    job.free.push({ buffer: data.buffer, digest: data.digest === true });
    pump();
  }
};

function start({ blob, slice, buffers }) {
  const free = buffers.map((buffer) => ({ buffer, digest: true }));
  job = { blob, slice, free, offset: 0, ended: blob.size === 0, stream: byobReader(blob), busy: false };
  pump();
}

/** A reader that fills buffers we give it, or null where the browser has none for blobs. */
function byobReader(blob) {
  try {
    return blob.stream().getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}

/** Fills free buffers while there are some and the file has more. */
async function pump() {
  if (!job || job.busy) return;
  const current = job;
  current.busy = true;
  try {
    while (job === current && current.free.length > 0 && !current.ended) {
      const free = current.free.shift();
      const { buffer, length } = current.stream ? await fill(current.stream, free.buffer) : readSync(current);
      current.offset += length;
      // A short read means the end (also if the file shrank meanwhile).
      current.ended = length < current.slice || current.offset >= current.blob.size;
      if (length > 0) {
        const digests = free.digest ? await digest(new Uint8Array(buffer, 0, length)) : null;
        if (digests) postMessage({ buffer, length, digests: digests.buffer, digestsLength: digests.length }, [buffer, digests.buffer]);
        else postMessage({ buffer, length }, [buffer]);
      }
    }
    if (job === current && current.ended) {
      postMessage({ done: true });
      job = null;
    }
  } catch (error) {
    postMessage({ error: String(error?.message ?? error) });
    job = null;
  }
  current.busy = false;
}

/** The digests of `slice` in a reused buffer (a view of its first bytes), or null without the core. */
async function digest(slice) {
  const core = await engine;
  if (!core) return null;
  const length = core.digester.digest(slice);
  let buffer = spareDigests.pop();
  if (!buffer || buffer.byteLength < length) buffer = new ArrayBuffer(Math.max(length, 2 << 20));
  const digests = new Uint8Array(buffer, 0, length);
  // The digests' place is read after the call: the call may have grown the memory.
  digests.set(new Uint8Array(core.memory.buffer, core.digester.digestsAt(), length));
  return digests;
}

/** Reads into `buffer` until it is full or the file ends (a read may return fewer bytes). */
async function fill(stream, buffer) {
  let length = 0;
  while (length < buffer.byteLength) {
    const { value, done } = await stream.read(new Uint8Array(buffer, length));
    if (done) return { buffer: value?.buffer ?? buffer, length };
    // The read took the buffer over and gives back the same memory as a new ArrayBuffer.
    buffer = value.buffer;
    length += value.byteLength;
  }
  return { buffer, length };
}

/** The next slice as a fresh buffer, read synchronously. */
function readSync(current) {
  const buffer = new FileReaderSync().readAsArrayBuffer(current.blob.slice(current.offset, current.offset + current.slice));
  return { buffer, length: buffer.byteLength };
}
