/**
 * Runs a command as a child process and measures what a user of the CLI would see: wall time
 * from spawn to exit (startup included) and the child's peak resident set size.
 *
 * Peak RSS comes from GNU time (`-f %M`, the kernel's ru_maxrss for the child), which is exact;
 * without it, /proc/<pid>/status VmHWM is polled, which is also a high-water mark and so only
 * misses growth in the last poll interval before exit.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface Measured {
  seconds: number;
  /** Peak RSS in bytes. */
  peakRss: number;
  exitCode: number | null;
  /** Lines the child wrote to stdout: counted, not kept, so a large output costs no memory here. */
  stdoutLines: number;
  stdoutBytes: number;
  /** The child's stderr (kept: it carries errors and small reports). */
  stderr: string;
  /** Its stdout, when `keepStdout` was asked for. */
  stdout: string;
}

export function rssMethod(): string {
  return existsSync(GNU_TIME) ? 'GNU time %M' : '/proc VmHWM polling';
}

export async function measure(command: string, args: string[], options: { cwd?: string; keepStdout?: boolean } = {}): Promise<Measured> {
  const useTime = existsSync(GNU_TIME);
  const rssFile = path.join(tmpdir(), `litwatch-bench-rss-${process.pid}-${Date.now()}`);
  const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(cmd, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let peakKb = 0;
  const poll = useTime ? undefined : setInterval(() => (peakKb = Math.max(peakKb, vmHwmKb(child.pid))), 20);
  let stdoutLines = 0;
  let stdoutBytes = 0;
  const kept: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) stdoutLines++;
    if (options.keepStdout) kept.push(chunk);
  });
  const errChunks: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => errChunks.push(chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const seconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  if (useTime && existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figure on failure.
    peakKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(rssFile, { force: true });
  }
  return {
    seconds,
    peakRss: peakKb * 1024,
    exitCode,
    stdoutLines,
    stdoutBytes,
    stderr: Buffer.concat(errChunks).toString('utf8'),
    stdout: Buffer.concat(kept).toString('utf8'),
  };
}

function vmHwmKb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0; // the process has just exited
  }
}

/** 10^6 bytes, for throughput and memory alike. */
export const mb = (bytes: number) => bytes / 1e6;
