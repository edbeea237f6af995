import path from 'node:path';

/**
 * One thing wrong with the configuration, printed as `file:line: field: message`.
 * `line` is absent when there is no line to point at (an environment variable, a missing
 * file, an empty file); `field` is absent when the problem is about the whole file.
 */
export interface Problem {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  readonly message: string;
}

/** Thrown by `loadEnv` and `loadConfig`; carries every problem found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.problems = Object.freeze([...problems]);
  }
}

/** `file:line: field: message`, leaving out the parts a problem does not have. */
export function formatProblem(problem: Problem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const parts = [where, problem.field, problem.message].filter((part) => part !== undefined && part !== '');
  return parts.join(': ');
}

/** One problem per line, ready for the terminal. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n');
}

/**
 * A path relative to the working directory when the file lies inside it, so problem lines
 * stay short and editors can open them; absolute otherwise, so they are never ambiguous.
 */
export function displayPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? relative : file;
}
