/**
 * Card throughput: `litwatch card --json` over a 20,000-article efetch file, against Biopython's
 * Entrez.read on the same file, plus a 5,000-article run to show that litwatch's peak memory
 * does not grow with the file (it streams record by record; Entrez.read holds the whole tree).
 *
 * Both sides run as child processes and are timed from spawn to exit, as a user would see
 * them; the start-up cost of each is measured too, so the per-article rate can be read without
 * it. litwatch's stdout is piped here and its lines counted: a pipe (not /dev/null) is how the
 * output is consumed, and the count checks that every article became a card.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEfetchFile } from './generate-efetch.ts';
import { mb, measure, rssMethod, type Measured } from './measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'bench', 'out');
const PYTHON = '/usr/bin/python3';

export interface Run {
  articles: number;
  bytes: number;
  seconds: number;
  peakRss: number;
}

export interface CardFigures {
  rssMethod: string;
  files: { articles: number; bytes: number; sha256: string }[];
  /** litwatch on an empty PubmedArticleSet: Node + tsx + imports. */
  litwatchStartup: Run;
  litwatch: Run;
  litwatchSmall: Run;
  /** Entrez.read on both files: its cost per article grows with the file, so one size alone would mislead. */
  biopython?: BiopythonRun;
  biopythonSmall?: BiopythonRun;
  biopythonSkipped?: string;
}

export type BiopythonRun = Run & { parseSeconds: number; version: string };

export const perSecond = (run: Run) => run.articles / run.seconds;

export async function cardThroughput(log: (line: string) => void): Promise<CardFigures> {
  mkdirSync(OUT, { recursive: true });
  const large = await generate(20_000, log);
  const small = await generate(5_000, log);
  const empty = path.join(OUT, 'efetch-empty.xml');
  writeFileSync(empty, '<?xml version="1.0" ?>\n<PubmedArticleSet>\n</PubmedArticleSet>\n');

  const litwatchStartup = await litwatchCard(empty, 0, log);
  const litwatch = await litwatchCard(large.path, large.articles, log);
  const litwatchSmall = await litwatchCard(small.path, small.articles, log);
  const missing = biopythonMissing() ?? memoryShort(large.bytes);
  if (missing) log(`SKIPPED Biopython: ${missing}`);
  return {
    rssMethod: rssMethod(),
    files: [large, small].map(({ articles, bytes, sha256 }) => ({ articles, bytes, sha256 })),
    litwatchStartup,
    litwatch,
    litwatchSmall,
    biopython: missing ? undefined : await biopython(large, log),
    biopythonSmall: missing ? undefined : await biopython(small, log),
    biopythonSkipped: missing,
  };
}

async function generate(articles: number, log: (line: string) => void) {
  const file = path.join(OUT, `efetch-${articles}.xml`);
  const started = performance.now();
  const { bytes, sha256 } = await writeEfetchFile(file, articles);
  const seconds = (performance.now() - started) / 1000;
  log(`generated ${path.relative(ROOT, file)}: ${articles} articles, ${mb(bytes).toFixed(1)} MB in ${seconds.toFixed(1)} s (sha256 ${sha256.slice(0, 12)})`);
  return { path: file, articles, bytes, sha256 };
}

async function litwatchCard(file: string, articles: number, log: (line: string) => void): Promise<Run> {
  const result = await measure(process.execPath, ['bin/litwatch.js', 'card', '--json', file], { cwd: ROOT });
  check(result, `litwatch card ${path.basename(file)}`);
  if (result.stdoutLines !== articles) throw new Error(`litwatch printed ${result.stdoutLines} cards for ${articles} articles`);
  const run = { articles, bytes: statSync(file).size, seconds: result.seconds, peakRss: result.peakRss };
  if (articles === 0) log(`litwatch card --json on an empty set (start-up): ${run.seconds.toFixed(2)} s, peak RSS ${mb(run.peakRss).toFixed(0)} MB`);
  else log(`litwatch card --json ${path.basename(file)}: ${describe(run)}, ${mb(result.stdoutBytes).toFixed(1)} MB of JSON`);
  return run;
}

/** Why Biopython cannot run here, or undefined when it can. */
function biopythonMissing(): string | undefined {
  const probe = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import Bio.Entrez'], { encoding: 'utf8' }) : undefined;
  if (probe?.status === 0) return undefined;
  return `Biopython not available to ${PYTHON}; install it with: apt-get install -y python3-biopython`;
}

/**
 * Entrez.read holds the whole document as Python objects, about 9x the file's size (measured:
 * 5.35 GB for 586 MB). Better to skip than to have the OOM killer take a shared machine's
 * processes.
 */
function memoryShort(bytes: number): string | undefined {
  const needed = 10 * bytes;
  if (os.freemem() >= needed) return undefined;
  return `Entrez.read would need ~${mb(needed).toFixed(0)} MB of memory; ${mb(os.freemem()).toFixed(0)} MB available`;
}

async function biopython(file: { path: string; articles: number }, log: (line: string) => void): Promise<BiopythonRun> {
  const result = await measure(PYTHON, [path.join(ROOT, 'bench', 'entrez_read.py'), file.path], { cwd: ROOT, keepStdout: true });
  check(result, 'entrez_read.py', false);
  const report = JSON.parse(result.stdout) as { articles: number; parseSeconds: number; biopython: string };
  if (report.articles !== file.articles) throw new Error(`Entrez.read found ${report.articles} of ${file.articles} articles`);
  const run = { articles: report.articles, bytes: statSync(file.path).size, seconds: result.seconds, peakRss: result.peakRss };
  const name = path.basename(file.path);
  log(`Biopython ${report.biopython} Entrez.read ${name}: ${describe(run)} (Entrez.read alone ${report.parseSeconds.toFixed(1)} s)`);
  return { ...run, parseSeconds: report.parseSeconds, version: report.biopython };
}

/** litwatch reports each unreadable record on stderr, so for it any stderr is a failure. */
function check(result: Measured, what: string, quietStderr = true): void {
  if (result.exitCode !== 0 || (quietStderr && result.stderr.trim() !== '')) {
    throw new Error(`${what} exited ${result.exitCode}: ${result.stderr.slice(0, 2000)}`);
  }
}

export function describe(run: Run): string {
  const rates = `${perSecond(run).toFixed(0)} articles/s, ${(mb(run.bytes) / run.seconds).toFixed(1)} MB/s`;
  return `${run.seconds.toFixed(1)} s, ${rates}, peak RSS ${mb(run.peakRss).toFixed(0)} MB`;
}
