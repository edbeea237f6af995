import { checkConfig, checkConfigFile } from '../../config/load-config.ts';
import { formatProblems } from '../../config/config-errors.ts';
import { formatEntrezDate } from '../../ncbi/date-window.ts';
import { compareQueries } from '../../preview/compare-queries.ts';
import { titlesFor } from '../../preview/titles.ts';
import { describeQueryWarning } from '../../poll/query-warnings.ts';
import { loadSettings, openRuntime } from '../runtime.ts';
import { writeLine } from '../write-line.ts';

export interface WatchPreviewOptions {
  days: number;
  /** Titles listed per group. */
  limit: number;
  json?: boolean;
  /** A draft watches.yaml to read the watch from, instead of the config in force. */
  config?: string;
}

/**
 * `litwatch watch preview <watch> [--days 30]`: run the watch's query as it stands in
 * config/watches.yaml (edited or not) against PubMed over the last days, and compare it with the
 * query in force (the one its last poll ran): the works it would add, drop and keep. Nothing is
 * stored or sent. A running litwatch applies a saved edit at once, so `--config FILE` reads the
 * watch from a draft instead (a copy of watches.yaml, edited): the preview runs beside the
 * service, and the draft goes live when it is copied over watches.yaml.
 */
export async function watchPreviewCommand(watchId: string, options: WatchPreviewOptions): Promise<void> {
  const settings = await loadSettings();
  const check = options.config ? await checkConfigFile(options.config) : await checkConfig(settings.env.LITWATCH_CONFIG);
  if (!check.ok) {
    process.stderr.write(`${formatProblems(check.problems)}\n`);
    process.exitCode = 1;
    return;
  }
  const watch = check.config.watches.find((w) => w.id === watchId);
  if (!watch) {
    process.stderr.write(
      `unknown watch "${watchId}" (watches in ${options.config ?? 'the config'}: ${check.config.watches.map((w) => w.id).join(', ') || 'none'})\n`,
    );
    process.exitCode = 1;
    return;
  }
  const runtime = await openRuntime(settings);
  try {
    const { services } = runtime;
    const current = (await services.metrics.watchStatus(watch.id)).query;
    const now = services.now();
    const window = { min: formatEntrezDate(new Date(now.getTime() - options.days * 86_400_000)), max: formatEntrezDate(now) };
    const comparison = await compareQueries(services.ncbi, { edited: watch.query, ...(current ? { current } : {}), window }, services.log);
    const shown = [...comparison.added.slice(0, options.limit), ...comparison.dropped.slice(0, options.limit)];
    const titles = await titlesFor(services, shown);
    if (options.json) {
      await writeLine(
        JSON.stringify({ watch: watch.id, changed: current !== undefined && current !== watch.query, ...comparison, titles: Object.fromEntries(titles) }),
      );
      return;
    }
    const heading =
      current === undefined
        ? 'no poll has run yet: everything it finds is new'
        : current === watch.query
          ? 'the query is the one in force'
          : 'edited query compared with the one in force';
    await writeLine(`${watch.id}: Entrez dates ${window.min}-${window.max}; ${heading}`);
    await writeLine(`  ${comparison.added.length} new, ${comparison.dropped.length} dropped, ${comparison.unchanged.length} unchanged`);
    // What PubMed did to the query as written: it then finds more (or other) works than it says.
    for (const warning of comparison.warnings) await writeLine(`  warning: ${describeQueryWarning(warning)}`);
    for (const [label, ids] of [
      ['new', comparison.added],
      ['dropped', comparison.dropped],
    ] as const) {
      if (ids.length === 0) continue;
      await writeLine(`\n${label}:`);
      for (const pmid of ids.slice(0, options.limit)) await writeLine(`  ${pmid}  ${titles.get(pmid) ?? ''}`);
      if (ids.length > options.limit) await writeLine(`  … and ${ids.length - options.limit} more`);
    }
  } finally {
    await runtime.close();
  }
}
