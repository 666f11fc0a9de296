// The single file (dist/privacy-lens.html) for the end-to-end tests of any engine.

import { buildSingleFile } from '../scripts/single-file.mjs';

/**
 * Builds dist/privacy-lens.html afresh from the built site (www/, `make build`) and returns
 * its path; open it as `pathToFileURL(path).href`.
 */
export async function singleFile() {
  return (await buildSingleFile()).path;
}
