import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { formatProblems } from './config/config-errors.ts';
import { checkConfig, checkConfigText, WATCHES_FILE, type Config } from './config/load-config.ts';
import type { Services } from './services.ts';
import type { StoredConfig } from './store/config-store.ts';

/**
 * One config for every machine (issue 21): the database keeps every version of watches.yaml
 * that a process stored (config_versions) and every process follows the newest. A local file
 * is stored when it is an edit (saved while litwatch runs, or changed since the newest version
 * was stored); an older or different copy is said (`config.local_differs`) and not used.
 */

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `host:pid /path/to/watches.yaml`: which process stored a version, from which file. */
export function loadedBy(file: string): string {
  return `${hostname()}:${process.pid} ${path.resolve(file)}`;
}

/** The name a stored version goes by in problem lines and logs. */
export function sharedName(version: number): string {
  return `shared config version ${version}`;
}

export interface SettledConfig {
  config: Config;
  /** The shared version in force (0: none stored and none could be). */
  version: number;
}

/**
 * At start: with `store` (the scheduling `litwatch start`), store the local file when it is new
 * to the database (none stored yet, or edited after the newest version was stored); otherwise
 * follow the newest stored version (the local file when none is). The local file has passed
 * every check already (loadSettings refuses to start otherwise).
 */
export async function settleSharedConfig(services: Services, options: { store: boolean; local?: Config }): Promise<SettledConfig> {
  const local = options.local ?? services.config();
  const dir = services.env.LITWATCH_CONFIG;
  const file = path.join(dir, WATCHES_FILE);
  const checked = await checkConfig(dir);
  const newest = await services.configs.newest();
  if (!checked.ok) {
    // The file went bad between loadSettings and here: the shared one, else what was read.
    if (!newest) return { config: local, version: 0 };
    return (await sharedConfig(services, newest)) ?? { config: local, version: 0 };
  }
  const localSha = sha256(checked.source);
  if (newest?.sha256 === localSha) return { config: checked.config, version: newest.version };
  const seen = newest ? await services.configs.versionOf(localSha) : undefined;
  const modifiedAt = (await stat(file)).mtimeMs;
  // An edit made while no litwatch ran (one machine: stop, edit, start) is newer than the
  // newest version; a copy left behind on another machine is older, or a version seen before.
  // Only the scheduling `start` stores at start: a worker or a command on a machine set up
  // later (a fresh checkout's file is dated now) must not make its copy everyone's.
  if (options.store && (!newest || (seen === undefined && modifiedAt > newest.loadedAt))) {
    const { version } = await services.configs.store(checked.source, localSha, loadedBy(file));
    services.log.info({ event: 'config.stored', version, file }, `${file} stored as ${sharedName(version)}, in force on every litwatch process`);
    return { config: checked.config, version };
  }
  if (!newest) return { config: checked.config, version: 0 };
  const followed = await sharedConfig(services, newest);
  if (followed) saySharedDiffers(services, file, newest, seen);
  return followed ?? { config: checked.config, version: 0 };
}

/** The stored version, checked by this process's code; undefined (and said) when this code cannot read it. */
async function sharedConfig(services: Services, newest: StoredConfig): Promise<SettledConfig | undefined> {
  const result = checkConfigText(newest.yaml, sharedName(newest.version));
  if (result.ok) return { config: result.config, version: newest.version };
  services.log.error(
    { event: 'config.shared_invalid', version: newest.version, problems: result.problems.length },
    `${sharedName(newest.version)} (stored by ${newest.loadedBy}) is not valid for this litwatch (an older one?), so this process keeps its own config:\n${formatProblems(result.problems)}`,
  );
  return undefined;
}

/** One line: the local file is not the config in force. */
export function saySharedDiffers(services: Services, file: string, newest: StoredConfig, seen: number | undefined): void {
  const how = seen === undefined ? 'differs from' : `is ${sharedName(seen)}, older than`;
  services.log.warn(
    { event: 'config.local_differs', file, version: newest.version, localVersion: seen },
    `${file} ${how} ${sharedName(newest.version)} (stored by ${newest.loadedBy}); following the shared one (save an edit of the file to make it the shared one)`,
  );
}

/**
 * The shared version when it is not `version`: its config, or no config when this code cannot
 * read it (said once here; the caller then keeps the config in force and waits for the next).
 */
export async function newerSharedConfig(services: Services, version: number): Promise<{ version: number; config?: Config; stored: StoredConfig } | undefined> {
  const head = await services.configs.newestVersion();
  if (!head || head.version === version) return undefined;
  const stored = await services.configs.newest();
  if (!stored) return undefined;
  const settled = await sharedConfig(services, stored);
  return { version: stored.version, stored, ...(settled ? { config: settled.config } : {}) };
}
