// Writes www/precache.js for the service worker (www/sw.js): the list of every file of the
// site and a version, a hash of their names and contents, so that any change to the site
// is a new version. `make build` runs it last, after everything in www/ is in place.
//
//   node scripts/precache.mjs [DIR]    (DIR: the site, www/ by default)

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** The service worker's own scripts are checked for updates by the browser, not cached. */
const NOT_CACHED = new Set(['sw.js', 'precache.js']);

/** Writes DIR/precache.js; returns {version, files, bytes}. */
export function writePrecache(dir) {
  const files = walk(dir).map((file) => relative(dir, file).split(sep).join('/')).filter((file) => !NOT_CACHED.has(file)).sort();
  const hash = createHash('sha256');
  let bytes = 0;
  for (const file of files) {
    const content = readFileSync(join(dir, file));
    bytes += content.length;
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  const version = hash.digest('hex').slice(0, 16);
  writeFileSync(join(dir, 'precache.js'), `// Written by scripts/precache.mjs: the files of this build of the site, and its version.\nconst PRECACHE = ${JSON.stringify({ version, files }, null, 1)};\n`);
  return { version, files, bytes };
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
}

if (resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '../www'));
  const { version, files, bytes } = writePrecache(dir);
  console.log(`precache: version ${version}, ${files.length} files, ${(bytes / 1048576).toFixed(1)} MiB cached by the service worker`);
}
