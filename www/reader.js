// The reading worker, started by the analysis worker: reads a file in slices with
// FileReaderSync and hands each slice over (transferred, not copied). A blob read finishes
// on the thread that asked for it, so reading in the analysis worker itself would wait
// while it analyses; here the two overlap.
//
// In:  {blob, slice, ahead}  then {type: 'more'} once per slice consumed
// Out: {buffer} per slice in order, then {done: true}; {error} if the browser cannot read it

self.onmessage = ({ data }) => {
  if (data.blob) start(data);
  else if (data.type === 'more') credits.push(true), pump();
};

let job = null;
const credits = [];

function start({ blob, slice, ahead }) {
  job = { blob, slice, offset: 0 };
  credits.length = 0;
  for (let i = 0; i < ahead; i++) credits.push(true);
  pump();
}

function pump() {
  const reader = new FileReaderSync();
  while (job && credits.length > 0) {
    if (job.offset >= job.blob.size) {
      postMessage({ done: true });
      job = null;
      return;
    }
    credits.pop();
    try {
      const buffer = reader.readAsArrayBuffer(job.blob.slice(job.offset, job.offset + job.slice));
      job.offset += job.slice;
      postMessage({ buffer }, [buffer]);
    } catch (error) {
      postMessage({ error: String(error?.message ?? error) });
      job = null;
    }
  }
}
