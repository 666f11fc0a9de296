// Saving results as files and printing them. The files are made by the core in the worker
// (the same bytes as the `privacy-lens` command writes) and handed to the browser as a
// download of a local Blob: nothing is sent anywhere.

const TYPES = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  txt: 'text/plain;charset=utf-8',
};

/** Offers `text` as a download named `name`. */
export function download(name, text) {
  const extension = name.slice(name.lastIndexOf('.') + 1);
  const url = URL.createObjectURL(new Blob([text], { type: TYPES[extension] ?? 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers start reading the Blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `intervals.csv` → `privacy-lens-intervals-2021-10-04-to-2021-10-17.csv` */
export function fileName(name, period) {
  const dot = name.lastIndexOf('.');
  const span = period ? `-${period.first.slice(0, 10)}-to-${period.last.slice(0, 10)}` : '';
  return `privacy-lens-${name.slice(0, dot)}${span}${name.slice(dot)}`;
}

/**
 * Prints the results: every view is shown one after the other for the print (the print
 * stylesheet hides the controls), after `prepare` has drawn what only a visible view draws;
 * then the page is as it was.
 */
export async function printResults(prepare) {
  document.body.classList.add('printing');
  await prepare?.();
  const restore = () => {
    document.body.classList.remove('printing');
    removeEventListener('afterprint', restore);
  };
  addEventListener('afterprint', restore);
  // Charts are canvases sized on screen: let the layout settle before the print snapshot.
  requestAnimationFrame(() => requestAnimationFrame(() => print()));
}
