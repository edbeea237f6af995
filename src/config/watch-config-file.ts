import { watch, type FSWatcher } from 'node:fs';
import type { Problem } from './config-errors.ts';
import { checkConfig, WATCHES_FILE, type Config } from './load-config.ts';

export interface ConfigFileEvents {
  /** A saved edit that passed every check; `source` is the file's text. */
  onValid(config: Config, source: string): Promise<void> | void;
  /** A saved edit with problems: the config in force stays. */
  onInvalid(problems: readonly Problem[]): void;
  /** Applying a valid edit failed (Redis down...): said, and the next edit is still checked. */
  onError(err: unknown): void;
}

/**
 * Watch `<dir>/watches.yaml` for saved edits. The folder is watched, not the file: editors
 * often save by writing a new file and renaming it over the old one, which a watch on the file
 * itself would lose. Bursts of events from one save are folded into one check.
 */
export function watchConfigFile(dir: string, events: ConfigFileEvents, debounceMs = 200): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const check = () => {
    running = running
      .then(async () => {
        const result = await checkConfig(dir);
        if (result.ok) await events.onValid(result.config, result.source);
        else events.onInvalid(result.problems);
      })
      .catch(events.onError);
  };
  const watcher: FSWatcher = watch(dir, (_event, file) => {
    if (file !== null && file !== WATCHES_FILE) return;
    clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
