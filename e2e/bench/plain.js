// Hands the picked file to the plain-JavaScript worker (or, with `?read`, to the worker
// that only reads it) and flags <main> when it is done, exactly as the real page does
// (data-state working → done).
const main = document.querySelector('main');
const worker = new Worker(location.search === '?read' ? 'read-worker.js' : 'plain-worker.js');
worker.onmessage = ({ data }) => {
  main.dataset.result = JSON.stringify(data);
  main.dataset.state = 'done';
};
document.getElementById('file').addEventListener('change', (event) => {
  main.dataset.state = 'working';
  worker.postMessage({ file: event.target.files[0] });
});
