// Keeping exports on this device, only when the user asks: the files themselves, in this
// browser's IndexedDB, so that next week's export is read together with them as one history
// (the core counts what overlaps once). Nothing here ever leaves the device.
//
// Nothing is created until the user turns keeping on: the database is only opened when it
// already exists or when something is to be kept. "Forget everything" deletes the database.

const DATABASE = 'privacy-lens';
const STORE = 'exports';

/** Whether the database exists (without creating it). */
async function exists() {
  if (!indexedDB.databases) return true; // cannot tell without opening: open, and find it empty
  return (await indexedDB.databases()).some((db) => db.name === DATABASE);
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDatabase() {
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: 'key' });
  return request(opening);
}

/** The kept exports as Files (oldest first); [] when nothing is kept. */
export async function keptExports() {
  if (!(await exists())) return [];
  const db = await openDatabase();
  try {
    const rows = await request(db.transaction(STORE).objectStore(STORE).getAll());
    rows.sort((a, b) => a.added - b.added);
    return rows.map((row) => new File([row.blob], row.name, { lastModified: row.lastModified }));
  } finally {
    db.close();
  }
}

/**
 * Keeps these files (Files only; the bundled example is not kept). A file with the same
 * name and size as a kept one replaces it: picking the same export twice keeps it once.
 */
export async function keep(files) {
  const kept = files.filter((file) => file instanceof File);
  if (kept.length === 0) return;
  const db = await openDatabase();
  try {
    const transaction = db.transaction(STORE, 'readwrite');
    const store = transaction.objectStore(STORE);
    const now = Date.now();
    kept.forEach((file, i) => store.put({ key: `${file.name}\u0000${file.size}`, name: file.name, lastModified: file.lastModified, added: now + i, blob: file }));
    await new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** Deletes everything kept: the whole database. */
export function forgetEverything() {
  return request(indexedDB.deleteDatabase(DATABASE));
}
