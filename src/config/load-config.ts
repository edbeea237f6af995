import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { ConfigError, displayPath, type Problem } from './config-errors.ts';
import { referenceIssues, type PathIssue } from './config-references.ts';
import { deepFreeze } from './deep-freeze.ts';
import { readableMessage, toPathIssues } from './issue-messages.ts';
import { configSchema, type Config } from './watches-schema.ts';
import { lineOf } from './yaml-locations.ts';
import { plural } from '../text/plural.ts';

export type { Config, PollingSettings, Subscriber, Watch } from './watches-schema.ts';

/** The file read from the config folder (`LITWATCH_CONFIG`). */
export const WATCHES_FILE = 'watches.yaml';

/** `summary` is the line `litwatch config check` prints, e.g. `config/watches.yaml: OK (1 watch, 0 subscribers)`. */
export type ConfigCheck =
  | {
      readonly ok: true;
      readonly config: Config;
      /** The YAML text checked: what is stored as a shared config version (shared-config.ts). */
      readonly source: string;
      readonly summary: string;
      /** Where a field is in the file, for problems found later (a live check of the queries): `watches[0].query`'s line. */
      readonly locate: (path: readonly (string | number)[]) => { file: string; line?: number; field: string };
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Reads `<dir>/watches.yaml` into a deep-frozen Config.
 * @throws ConfigError listing every problem, one `file:line: field: message` per line
 */
export async function loadConfig(dir: string): Promise<Config> {
  const result = await checkConfig(dir);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}

/** Like `loadConfig`, but returns the problems instead of throwing (for `litwatch config check`). */
export async function checkConfig(dir: string): Promise<ConfigCheck> {
  return checkConfigFile(path.resolve(dir, WATCHES_FILE));
}

/** A watches.yaml by another name (a draft `litwatch watch preview --config` reads), checked the same way. */
export async function checkConfigFile(name: string): Promise<ConfigCheck> {
  const absolute = path.resolve(name);
  const file = displayPath(absolute);
  const source = await readSource(absolute, file);
  if (typeof source !== 'string') return { ok: false, problems: [source] };
  return parseWatches(source, file);
}

/**
 * YAML text from elsewhere (a version stored in the database), checked like a file; `file`
 * names it in problem lines. Over MAX_CONFIG_BYTES it is refused the same way.
 */
export function checkConfigText(source: string, file: string): ConfigCheck {
  const size = Buffer.byteLength(source);
  if (size > MAX_CONFIG_BYTES)
    return { ok: false, problems: [{ file, message: `the config is ${(size / 1024 / 1024).toFixed(1)} MB; at most ${MAX_CONFIG_BYTES / 1024 / 1024} MB` }] };
  return parseWatches(source, file);
}

/**
 * A config file is a few kB; even hundreds of watches stay far below this. Anything bigger is
 * not a config, and is refused before it is read, so a running litwatch keeps its memory.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** How many alias expansions the YAML may make (the `yaml` package's maxAliasCount, its default). */
const MAX_ALIAS_COUNT = 100;

async function readSource(absolute: string, file: string): Promise<string | Problem> {
  try {
    const { size } = await stat(absolute);
    if (size > MAX_CONFIG_BYTES) {
      return {
        file,
        message: `the file is ${(size / 1024 / 1024).toFixed(1)} MB; a config file may be at most ${MAX_CONFIG_BYTES / 1024 / 1024} MB (is this the right file?)`,
      };
    }
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const message = `file not found; create it (the litwatch sources ship a commented config/${WATCHES_FILE}) or set LITWATCH_CONFIG to the folder that holds ${WATCHES_FILE}`;
      return { file, message };
    }
    return { file, message: `cannot read the file (${code ?? String(error)})` };
  }
}

function parseWatches(source: string, file: string): ConfigCheck {
  const lines = new LineCounter();
  // prettyErrors off: the message stays one line and the line number comes from `pos`.
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  // After a syntax error the data is a guess, so schema problems would only add noise.
  if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map((error) => syntaxProblem(error, file, lines)) };
  if (doc.contents === null) return { ok: false, problems: [{ file, message: EMPTY_FILE }] };

  const data = expandAliases(doc);
  if (data instanceof Error) return { ok: false, problems: [{ file, field: 'YAML aliases', message: data.message }] };
  const parsed = configSchema.safeParse(data, { error: readableMessage });
  const issues = [...(parsed.error?.issues.flatMap(toPathIssues) ?? []), ...referenceIssues(data)];
  if (!parsed.success || issues.length > 0) {
    return { ok: false, problems: sortByLine(issues.map((issue) => locate(issue, file, doc, lines))) };
  }
  const config = deepFreeze(parsed.data);
  const locateField = (at: readonly (string | number)[]) => ({ file, line: lineOf(doc, lines, at), field: z.core.toDotPath([...at]) });
  return { ok: true, config, source, summary: `${file}: OK (${summarize(config)})`, locate: locateField };
}

/**
 * The document as plain data. Anchors and aliases can expand exponentially (a "YAML bomb": a
 * few lines that become billions of nodes); the `yaml` package stops at maxAliasCount and
 * throws, which becomes one problem line here instead of a crash or a frozen process.
 */
function expandAliases(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return new Error(
      `anchors and aliases expand to too much data (over ${MAX_ALIAS_COUNT} alias expansions: a YAML bomb?); write the values out instead of repeating aliases`,
    );
  }
}

const EMPTY_FILE = `the file is empty; it needs at least a "watches:" list (the litwatch sources ship a commented config/${WATCHES_FILE} to start from)`;

function syntaxProblem(error: YAMLError, file: string, lines: LineCounter): Problem {
  return { file, line: lines.linePos(error.pos[0]).line, field: 'YAML syntax', message: error.message };
}

function locate(issue: PathIssue, file: string, doc: Document, lines: LineCounter): Problem {
  // toDotPath writes `watches[0].schedule`, as the path reads in the YAML file.
  return { file, line: lineOf(doc, lines, issue.path, issue.atKey), field: z.core.toDotPath(issue.path), message: issue.message };
}

/** Problems in file order, so the list reads top to bottom like the file. */
function sortByLine(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function summarize(config: Config): string {
  const disabled = config.watches.filter((watch) => !watch.enabled).length;
  const watches = plural(config.watches.length, 'watch', 'watches') + (disabled > 0 ? `, ${disabled} disabled` : '');
  return `${watches}, ${plural(config.subscribers.length, 'subscriber', 'subscribers')}`;
}
