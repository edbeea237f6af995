import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/cli.ts';

const run = promisify(execFile);
const FIXTURE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'pubmed', 'inline-markup.xml');

/**
 * The compiled build as the image ships it: `tsc -p tsconfig.build.json` and
 * scripts/finish-build.js into a folder that has bin/, templates/, config/ and dist/ but no
 * src/, so nothing can fall back to the sources. (The other tests run the sources.)
 */
describe('the compiled build (dist/, no sources beside it)', () => {
  const app = mkdtempSync(path.join(tmpdir(), 'litwatch-dist-'));
  const dist = path.join(app, 'dist');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };

  before(async () => {
    for (const item of ['package.json', 'bin', 'templates', 'config']) cpSync(path.join(PROJECT_ROOT, item), path.join(app, item), { recursive: true });
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(app, 'node_modules'));
    const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dist], { cwd: PROJECT_ROOT });
    await run(process.execPath, ['scripts/finish-build.js', dist], { cwd: PROJECT_ROOT });
  });

  test('litwatch card runs from dist/ and prints what the sources print', async () => {
    const compiled = await run(process.execPath, [path.join(app, 'bin', 'litwatch.js'), 'card', '--json', FIXTURE], { env });
    const sources = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'litwatch.js'), 'card', '--json', FIXTURE], {
      env: { ...env, LITWATCH_SOURCES: '1' },
    });
    assert.equal(compiled.stderr, '');
    assert.ok(compiled.stdout.split('\n').length > 2, compiled.stdout);
    assert.equal(compiled.stdout, sources.stdout);
  });

  test('every file under src/ and jobs/ that is not TypeScript (SQL migrations...) sits beside its compiled module', () => {
    for (const dir of ['src', 'jobs']) {
      for (const entry of readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const relative = path.relative(PROJECT_ROOT, path.join(entry.parentPath, entry.name));
        const built = entry.name.endsWith('.ts') ? relative.replace(/\.ts$/, '.js') : relative;
        assert.ok(existsSync(path.join(dist, built)), `dist/${built} is missing`);
      }
    }
  });

  test('the email templates are found from dist/ (in the project root, not copied)', async () => {
    const module = path.join(dist, 'src', 'mail', 'render-templates.js');
    const script = `const m = await import(${JSON.stringify(module)}); for (const name of ['card', 'digest', 'digest-empty', 'confirm']) for (const part of ['html', 'text']) m.template(name, part); console.log('ok');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
    assert.equal(stdout.trim(), 'ok');
    assert.ok(!existsSync(path.join(dist, 'templates')));
  });

  test('with sources newer than the build, bin/litwatch.js says so and runs the sources', async () => {
    const stale = mkdtempSync(path.join(tmpdir(), 'litwatch-stale-'));
    // bin/ is copied: Node resolves a symlinked main script to its real folder, which has its own dist/.
    cpSync(path.join(PROJECT_ROOT, 'bin'), path.join(stale, 'bin'), { recursive: true });
    for (const item of ['package.json', 'templates', 'config', 'node_modules', 'src', 'jobs'])
      symlinkSync(path.join(PROJECT_ROOT, item), path.join(stale, item));
    cpSync(dist, path.join(stale, 'dist'), { recursive: true });
    utimesSync(path.join(stale, 'dist', '.built'), new Date(0), new Date(0));
    const { stdout, stderr } = await run(process.execPath, [path.join(stale, 'bin', 'litwatch.js'), 'card', '--json', FIXTURE], { env });
    assert.match(stderr, /^litwatch: src\/ changed since the last build: running the TypeScript sources through tsx/);
    assert.ok(stdout.split('\n').length > 2);
  });
});
