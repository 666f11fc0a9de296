// `make data`: compiles Ghostery's tracker database (npm @ghostery/trackerdb, pinned in
// package.json) into www/data/trackerdb.tsv, the compact table the core loads: one line per
// domain, `domain<TAB>organization key<TAB>organization name<TAB>category`, sorted. The data
// keeps its own licence (CC BY-NC-SA 4.0): it is a separate file beside the WebAssembly, with
// its licence and attribution next to it, never mixed into the code.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packageDir = join(root, 'node_modules/@ghostery/trackerdb');
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const db = JSON.parse(readFileSync(join(packageDir, 'dist/trackerdb.json'), 'utf8'));

const clean = (text) => String(text ?? '').replace(/[\t\r\n]+/g, ' ').trim();
const rows = [];
for (const [domain, patternKey] of Object.entries(db.domains)) {
  const pattern = db.patterns[patternKey];
  const organization = db.organizations[pattern?.organization];
  if (!pattern || !/^[a-z0-9.-]+$/.test(domain)) continue;
  rows.push([domain, pattern.organization ?? '', clean(organization?.name), pattern.category ?? 'misc']);
}
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const out = join(root, 'www/data');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'trackerdb.tsv'), `# Ghostery Tracker Database ${version} (CC BY-NC-SA 4.0), compiled by scripts/trackerdb.mjs\n` + rows.map((row) => row.join('\t')).join('\n') + '\n');
writeFileSync(join(out, 'LICENSE-trackerdb.md'), `# trackerdb.tsv: licence and attribution

\`trackerdb.tsv\` is compiled from the **Ghostery Tracker Database**, npm package
\`@ghostery/trackerdb\` version ${version} (https://github.com/ghostery/trackerdb), by
\`scripts/trackerdb.mjs\`: each domain with its organization and category.

Copyright 2017 Ghostery GmbH. Licensed under the Creative Commons
Attribution-NonCommercial-ShareAlike 4.0 International licence (CC BY-NC-SA 4.0),
https://creativecommons.org/licenses/by-nc-sa/4.0/. This adaptation is shared under the same
licence. It is not covered by Privacy Lens's code licence (MIT OR Apache-2.0).
`);
console.log(`www/data/trackerdb.tsv: ${rows.length} domains from @ghostery/trackerdb ${version}`);
