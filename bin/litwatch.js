#!/usr/bin/env node
// litwatch runs the compiled JavaScript in dist/ (`npm run build`, which `npm install` runs as
// `prepare`): compiling the TypeScript at every start through tsx cost ~0.25 s before any work.
//
// It runs the TypeScript sources through tsx instead when
//   - LITWATCH_SOURCES=1 is set (the tests do: they test the code as it is, built or not), or
//   - dist/ is missing or older than a file under src/ or jobs/: a checkout that was edited
//     after its last build would otherwise run yesterday's code without a word.
// That check is one stat per source file (~2-5 ms); an image or package without src/ skips it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}dist/.built`;

/** Why the sources must run instead of dist/, or undefined when dist/ is current. */
function sourcesReason() {
  if (process.env.LITWATCH_SOURCES === '1') return undefined;
  if (!existsSync(stamp)) return existsSync(`${root}src`) ? 'dist/ is not built' : undefined;
  const built = statSync(stamp).mtimeMs;
  for (const dir of ['src', 'jobs']) {
    if (!existsSync(`${root}${dir}`)) continue;
    for (const entry of readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs > built) {
        return `${dir}/ changed since the last build`;
      }
    }
  }
  return undefined;
}

const reason = sourcesReason();
if (process.env.LITWATCH_SOURCES === '1' || reason) {
  if (reason) process.stderr.write(`litwatch: ${reason}: running the TypeScript sources through tsx (npm run build for a fast start)\n`);
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    process.stderr.write('litwatch: dist/ is missing or out of date and tsx is not installed: run npm run build\n');
    process.exit(1);
  }
  tsx.register();
  await import('../src/cli/main.ts');
} else {
  await import('../dist/src/cli/main.js');
}
