// The reading worker, started by the analysis worker: reads a file into a few buffers that
// go back and forth between the two workers (transferred, never copied), so reading
// overlaps the analysis and a 1 GB file leaves no garbage slices behind for the collector.
// Where the browser cannot read a blob into a given buffer (no BYOB reader for
// Blob.stream()), each slice is a fresh buffer from FileReaderSync instead.
//
// In:  {blob, slice, buffers}: buffers of `slice` bytes to fill, transferred
//      {buffer}: a buffer handed back after use, to fill again
// Out: {buffer, length} per slice in order (`length` bytes of `buffer` are the file's), then
//      {done: true}; {error} if the browser cannot read the file

let job = null;

self.onmessage = ({ data }) => {
  if (data.blob) start(data);
  else if (job) {
    job.free.push(data.buffer);
    pump();
  }
};

function start({ blob, slice, buffers }) {
  job = { blob, slice, free: buffers, offset: 0, ended: blob.size === 0, stream: byobReader(blob), busy: false };
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
      const free = current.free.pop();
      const { buffer, length } = current.stream ? await fill(current.stream, free) : readSync(current);
      current.offset += length;
      // A short read means the end (also if the file shrank meanwhile).
      current.ended = length < current.slice || current.offset >= current.blob.size;
      if (length > 0) postMessage({ buffer, length }, [buffer]);
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
