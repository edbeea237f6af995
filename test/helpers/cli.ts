import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFERENCE_DAY, TEST_SECRET, testDatabaseUrl } from './test-services.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(PROJECT_ROOT, 'bin', 'litwatch.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Where CLI children keep what a first start generates (secret, dashboard password): one folder
 * per test process, never the project's own var/.
 */
const TEST_VAR = mkdtempSync(path.join(tmpdir(), 'litwatch-var-'));

/**
 * Environment for a litwatch child process: only what the test sets, plus PATH. A test's
 * prefix brings its database (see testPrefix); without one, an embedded database in a
 * folder of its own, never the project's var/db. Its calendar clock starts on the suite's
 * REFERENCE_DAY (LITWATCH_CLOCK), as the in-process services' does, so the fixtures' dates are
 * inside its poll windows whatever the real date.
 */
export function cliEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const db = vars.LITWATCH_PREFIX
    ? { DATABASE_URL: testDatabaseUrl(vars.LITWATCH_PREFIX) }
    : { LITWATCH_DB_DIR: path.join(tmpdir(), `litwatch-cli-db-${process.pid}`) };
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'info',
    LITWATCH_VAR: TEST_VAR,
    LITWATCH_CLOCK: REFERENCE_DAY.toISOString(),
    ...db,
    ...vars,
  };
}

/**
 * The settings every process beside others must share (src/config/shared-settings.ts), for
 * tests that start `--role` processes: the suite's secret, a dashboard password, the default
 * public URL, and an SMTP server that refuses connections (a test that sends gives its own).
 */
export function sharedSettings(): Record<string, string> {
  return {
    LITWATCH_SECRET: TEST_SECRET,
    DASHBOARD_PASSWORD: 'test-dashboard-password',
    LITWATCH_PUBLIC_URL: 'http://localhost:3000',
    SMTP_URL: 'smtp://127.0.0.1:1',
  };
}

/**
 * Start `litwatch <args>`; the caller waits, reads or kills it. It runs the TypeScript sources
 * (LITWATCH_SOURCES=1), so the tests test the code as it is, whether dist/ is built or not;
 * compiled-build.test.ts tests dist/.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, cwd = PROJECT_ROOT): ChildProcess & { output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { LITWATCH_SOURCES: '1', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  return Object.assign(child, { output });
}

/** Run `litwatch <args>` to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = PROJECT_ROOT): Promise<CliResult> {
  const child = spawnCli(args, env, cwd);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, ...child.output };
}

/** A config folder holding the given watches.yaml text. */
export function configDir(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-config-'));
  writeFileSync(path.join(dir, 'watches.yaml'), yaml);
  return dir;
}

/** watches.yaml for the given watches (every watch polled daily; PubMed only unless a test is about PMC). */
export function watchesYaml(watches: { id: string; query: string; sources?: string[] }[]): string {
  const entries = watches.map(
    (w) =>
      `  - id: ${w.id}\n    name: ${w.id}\n    query: ${JSON.stringify(w.query)}\n    schedule: "0 6 * * *"\n    sources: [${(w.sources ?? ['pubmed']).join(', ')}]\n`,
  );
  return `watches:\n${entries.join('')}`;
}
