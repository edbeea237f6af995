/**
 * Card throughput: `litwatch card --json` against Biopython's Entrez.read on the same
 * real-shaped efetch files of 500, 5,000 and 50,000 articles (bench/generate-efetch.ts).
 *
 * Both sides run as child processes, timed from spawn to exit as a user sees them, in turn
 * (litwatch, Biopython, litwatch, ...) so that a machine whose speed drifts (this one is
 * shared) slows both alike; the median of each is quoted and the ratio is of the medians.
 * litwatch's stdout is piped here and its lines counted: a pipe is how the output is consumed,
 * and the count checks that every article became a card. Peak RSS is the largest of the runs.
 *
 * BENCH_CARD_SIZES=500,5000 runs fewer sizes; BENCH_CARD_RUNS=N changes the runs per side
 * (default 3, and 1 for 50,000 articles, where one Biopython run takes minutes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEfetchFile } from './generate-efetch.ts';
import { mb, measure, rssMethod, type Measured } from './measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'bench', 'out');
const PYTHON = '/usr/bin/python3';
const SIZES = (process.env.BENCH_CARD_SIZES ?? '500,5000,50000').split(',').map(Number);

export interface Run {
  articles: number;
  bytes: number;
  /** Median wall time of the runs. */
  seconds: number;
  peakRss: number;
  runs: number;
}

export type BiopythonRun = Run & { parseSeconds: number; version: string };

export interface CardSize {
  file: { articles: number; bytes: number; sha256: string };
  litwatch: Run;
  biopython?: BiopythonRun;
  biopythonSkipped?: string;
}

export interface CardFigures {
  rssMethod: string;
  sizes: CardSize[];
}

export const perSecond = (run: Run) => run.articles / run.seconds;

export async function cardThroughput(log: (line: string) => void): Promise<CardFigures> {
  mkdirSync(OUT, { recursive: true });
  const sizes: CardSize[] = [];
  for (const articles of SIZES) {
    const file = await generate(articles, log);
    const runs = Number(process.env.BENCH_CARD_RUNS ?? (articles >= 50_000 ? 1 : 3));
    const skipped = biopythonMissing() ?? memoryShort(file.bytes);
    if (skipped) log(`SKIPPED Biopython on ${articles} articles: ${skipped}`);
    const litwatchRuns: Measured[] = [];
    const biopythonRuns: { result: Measured; report: BiopythonReport }[] = [];
    for (let i = 0; i < runs; i++) {
      litwatchRuns.push(await litwatchCard(file));
      if (!skipped) biopythonRuns.push(await biopython(file));
    }
    const litwatch = summarise(file, litwatchRuns);
    log(`litwatch card --json ${path.basename(file.path)}: ${describe(litwatch)}`);
    const size: CardSize = { file: { articles, bytes: file.bytes, sha256: file.sha256 }, litwatch };
    if (skipped) size.biopythonSkipped = skipped;
    else {
      const reports = biopythonRuns.map((r) => r.report);
      const bio = summarise(
        file,
        biopythonRuns.map((r) => r.result),
      );
      size.biopython = { ...bio, parseSeconds: median(reports.map((r) => r.parseSeconds)), version: reports[0]!.biopython };
      log(
        `Biopython ${size.biopython.version} Entrez.read ${path.basename(file.path)}: ${describe(bio)} (Entrez.read alone ${size.biopython.parseSeconds.toFixed(1)} s)`,
      );
    }
    sizes.push(size);
  }
  return { rssMethod: rssMethod(), sizes };
}

interface EfetchFile {
  path: string;
  articles: number;
  bytes: number;
  sha256: string;
}

async function generate(articles: number, log: (line: string) => void): Promise<EfetchFile> {
  const file = path.join(OUT, `efetch-${articles}.xml`);
  const started = performance.now();
  const { bytes, sha256 } = await writeEfetchFile(file, articles);
  const seconds = (performance.now() - started) / 1000;
  log(`generated ${path.relative(ROOT, file)}: ${articles} articles, ${mb(bytes).toFixed(1)} MB in ${seconds.toFixed(1)} s (sha256 ${sha256.slice(0, 12)})`);
  return { path: file, articles, bytes, sha256 };
}

async function litwatchCard(file: EfetchFile): Promise<Measured> {
  const result = await measure(process.execPath, ['bin/litwatch.js', 'card', '--json', file.path], { cwd: ROOT });
  check(result, `litwatch card ${path.basename(file.path)}`);
  if (result.stdoutLines !== file.articles) throw new Error(`litwatch printed ${result.stdoutLines} cards for ${file.articles} articles`);
  return result;
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

interface BiopythonReport {
  articles: number;
  parseSeconds: number;
  biopython: string;
}

async function biopython(file: EfetchFile): Promise<{ result: Measured; report: BiopythonReport }> {
  const result = await measure(PYTHON, [path.join(ROOT, 'bench', 'entrez_read.py'), file.path], { cwd: ROOT, keepStdout: true });
  check(result, 'entrez_read.py', false);
  const report = JSON.parse(result.stdout) as BiopythonReport;
  if (report.articles !== file.articles) throw new Error(`Entrez.read found ${report.articles} of ${file.articles} articles`);
  return { result, report };
}

function summarise(file: EfetchFile, runs: Measured[]): Run {
  return {
    articles: file.articles,
    bytes: statSync(file.path).size,
    seconds: median(runs.map((r) => r.seconds)),
    peakRss: Math.max(...runs.map((r) => r.peakRss)),
    runs: runs.length,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** litwatch reports each unreadable record on stderr, so for it any stderr is a failure. */
function check(result: Measured, what: string, quietStderr = true): void {
  if (result.exitCode !== 0 || (quietStderr && result.stderr.trim() !== '')) {
    throw new Error(`${what} exited ${result.exitCode}: ${result.stderr.slice(0, 2000)}`);
  }
}

export function describe(run: Run): string {
  const rates = `${perSecond(run).toFixed(0)} articles/s, ${(mb(run.bytes) / run.seconds).toFixed(1)} MB/s`;
  return `median ${run.seconds.toFixed(2)} s of ${run.runs}, ${rates}, peak RSS ${mb(run.peakRss).toFixed(0)} MB`;
}
