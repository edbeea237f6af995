import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/cli.ts';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'check-imports.js');

/** scripts/check-imports.js over a small tree of `files` (path -> source). */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-imports-'));
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

test('the project itself has no import cycle and keeps its layers', () => {
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
});

test('a tree that keeps the layers passes', () => {
  const { status, output } = check({
    'src/cli/main.ts': "import { run } from '../../jobs/poll.ts';\n",
    'jobs/poll.ts': "import { parse } from '../src/parse/parse.ts';\nexport const run = 1;\n",
    'src/parse/parse.ts':
      "import { save } from '../store/save.ts';\n// import { x } from '../../jobs/poll.ts' (a comment is not an import)\nexport const parse = 1;\n",
    'src/store/save.ts': "import type { Parsed } from '../parse/types.ts';\nimport pg from 'pg';\nexport const save = 1;\n",
    'src/parse/types.ts': 'export type Parsed = string;\n',
  });
  assert.equal(status, 0, output);
});

test('a cycle, a piece importing a job, the store importing a piece and pg outside the store are each named', () => {
  const { status, output } = check({
    'src/parse/a.ts': "import { b } from './b.ts';\nexport const a = 1;\n",
    'src/parse/b.ts': "import {\n  a,\n} from './a.ts';\nexport const b = 1;\n",
    'src/card/card.ts': "const job = await import('../../jobs/poll.ts');\n",
    'jobs/poll.ts': '',
    'src/store/save.ts': "import { a } from '../parse/a.ts';\n",
    'src/digest/read.ts': "import pg from 'pg';\n",
  });
  assert.equal(status, 1);
  assert.match(output, /src\/parse\/a\.ts: import cycle: src\/parse\/a\.ts -> src\/parse\/b\.ts -> src\/parse\/a\.ts/);
  assert.match(output, /src\/card\/card\.ts: imports jobs\/poll\.ts: pieces \(src\/\*\) may not import jobs/);
  assert.match(output, /src\/store\/save\.ts: imports src\/parse\/a\.ts: the store may import only types/);
  assert.match(output, /src\/digest\/read\.ts: imports pg, a database client: only src\/store may/);
});
