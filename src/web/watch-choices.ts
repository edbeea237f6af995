import type { Config } from '../config/load-config.ts';

export interface WatchChoice {
  id: string;
  name: string;
  /** Turned off by the administrator: kept for those who follow it, not offered to others. */
  disabled: boolean;
}

/** What the subscribe page offers: enabled watches, by name. */
export function subscribableWatches(config: Config): WatchChoice[] {
  return byName(config.watches.filter((watch) => watch.enabled));
}

/**
 * What the preferences page offers: enabled watches, plus disabled ones the subscriber still
 * follows, so saving the form does not silently drop a watch that may be turned on again.
 */
export function preferenceWatches(config: Config, followed: readonly string[]): WatchChoice[] {
  return byName(config.watches.filter((watch) => watch.enabled || followed.includes(watch.id)));
}

export function watchNames(config: Config, ids: readonly string[]): string[] {
  return ids.map((id) => config.watches.find((watch) => watch.id === id)?.name ?? id);
}

function byName(watches: Config['watches']): WatchChoice[] {
  return watches.map((watch) => ({ id: watch.id, name: watch.name, disabled: !watch.enabled })).sort((a, b) => a.name.localeCompare(b.name));
}
