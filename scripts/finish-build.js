// The end of `npm run build`, after tsc: files under src/ and jobs/ that are not TypeScript (SQL
// migrations, ...) are copied next to their compiled modules, so code that finds them relative
// to its own file (`new URL('../migrations/', import.meta.url)`) works from dist/ as from the
// sources. Then dist/.built is written last: bin/litwatch.js runs dist/ only while no source
// file is newer than it. Run from the project root; the output folder may be given (tests).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const out = process.argv[2] ?? 'dist';

for (const dir of ['src', 'jobs']) {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = path.join(entry.parentPath ?? entry.path, entry.name);
    mkdirSync(path.dirname(path.join(out, from)), { recursive: true });
    copyFileSync(from, path.join(out, from));
  }
}
writeFileSync(path.join(out, '.built'), `${new Date().toISOString()}\n`);
