import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';

/**
 * Where a CLI command's log goes. On a terminal, a command shows its progress and a one-line
 * result; the log lines of the jobs it runs (a poll of 2,000 works logs hundreds) would break
 * up its progress bars, so they go to `LITWATCH_VAR/log/<command>.log`, JSON lines as a
 * service's would be, and `--verbose` shows them on the terminal instead. `start` is the
 * service: its log is its output. Off a terminal (a log file, CI, a test) nothing changes:
 * JSON lines on stderr.
 */
export interface CommandLogChoice {
  /** `poll`, `digest-run`…: the command as typed, its words joined by `-`. */
  command: string;
  verbose: boolean;
  stderrIsTTY: boolean;
}

let choice: CommandLogChoice = { command: '', verbose: false, stderrIsTTY: false };
let written: { file: string; warnings: number } | undefined;

/** Set by src/cli/main.ts once it knows which command runs. */
export function chooseCommandLog(next: CommandLogChoice): void {
  choice = next;
}

/** The file this command logs to, or undefined for stderr. */
export function commandLogFile(varDir: string, given: CommandLogChoice = choice): string | undefined {
  if (!given.command || given.command === 'start' || given.verbose || !given.stderrIsTTY) return undefined;
  return path.join(varDir, 'log', `${given.command}.log`);
}

/** A pino destination appending to `file` that counts warnings and errors, for the closing line. */
export function commandLogDestination(file: string): pino.DestinationStream {
  mkdirSync(path.dirname(file), { recursive: true });
  // sync: a command may end with process.exit(), and lines still buffered would be lost.
  const out = pino.destination({ dest: file, append: true, sync: true });
  written = { file, warnings: 0 };
  const state = written;
  return {
    write(line: string) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level !== undefined && Number(level) >= 40) state.warnings++;
      out.write(line);
    },
  };
}

/** The line a command ends with when its log holds warnings or errors the terminal did not show. */
export function commandLogNote(): string | undefined {
  if (!written || written.warnings === 0) return undefined;
  const count = `${written.warnings} warning${written.warnings === 1 ? '' : 's'} or error${written.warnings === 1 ? '' : 's'}`;
  const relative = path.relative(process.cwd(), written.file);
  return `${count} logged in ${relative.startsWith('..') ? written.file : relative} (--verbose shows the log here)`;
}
