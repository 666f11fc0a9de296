// Reading only, for scale in `make bench-web`: reads the file as the page's reading worker
// does (Blob.stream() with a BYOB reader into 4 MiB buffers, www/reader.js) and does
// nothing else with the bytes. The page cannot finish sooner than this. Not part of the site.

const SLICE = 4 << 20;

self.onmessage = async ({ data: { file } }) => {
  const reader = file.stream().getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(SLICE);
  let bytes = 0;
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(buffer));
    if (done) break;
    // The read took the buffer over and gives back the same memory as a new ArrayBuffer.
    buffer = value.buffer;
    bytes += value.byteLength;
  }
  postMessage({ bytes });
};
