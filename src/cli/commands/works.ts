import { loadCardInput } from '../../card/load-card-input.ts';
import { renderCard } from '../../card/render-card.ts';
import type { Services } from '../../services.ts';
import type { WorkSummary } from '../../store/work-store.ts';
import { cardTextToPlain } from '../../text/card-text-to-plain.ts';
import { dropControlCharacters } from '../../text/drop-control-characters.ts';
import { loadSettings, openRuntime } from '../runtime.ts';
import { writeLine } from '../write-line.ts';

export interface WorksOptions {
  watch?: string;
  search?: string;
  limit?: number;
  json?: boolean;
  cards?: boolean;
}

/** `litwatch works [--watch ID] [--search WORDS] [--limit N] [--json | --cards]`: stored works, newest first. */
export async function worksCommand(options: WorksOptions): Promise<void> {
  const settings = await loadSettings();
  const runtime = await openRuntime(settings);
  try {
    const works = options.search
      ? await runtime.services.works.search(options.search, { watchId: options.watch, limit: options.limit ?? 50 })
      : await runtime.services.works.list({ watchId: options.watch, limit: options.limit });
    for (const [i, work] of works.entries()) await writeLine(await describe(work, i, options, runtime.services));
    if (!options.json)
      process.stderr.write(
        `${works.length} work${works.length === 1 ? '' : 's'}${options.search ? ` matching "${options.search}"` : ''}${options.watch ? ` matched by ${options.watch}` : ''}\n`,
      );
  } finally {
    await runtime.close();
  }
}

/**
 * The title as a reader sees it: stored titles are card text (`*TERT*` for italics, `&lt;` for
 * a `<` that could open a tag), which a terminal shows literally. Controls are dropped (an ESC
 * would be a terminal escape sequence) and white space made single, so one work stays one line.
 */
function plainTitle(title: string): string {
  return dropControlCharacters(cardTextToPlain(title)).replace(/\s+/g, ' ').trim();
}

async function describe(work: WorkSummary, index: number, options: WorksOptions, services: Services): Promise<string> {
  if (options.json)
    return JSON.stringify({
      key: work.key,
      doi: work.doi,
      pmid: work.pmid,
      pmcid: work.pmcid,
      title: work.title,
      watches: work.watches,
      firstSeen: new Date(work.firstSeen).toISOString(),
    });
  if (!options.cards) return `${work.key}\t${work.pmid ?? '-'}\t${work.watches.join(',')}\t${plainTitle(work.title)}`;
  const stored = await services.works.get(work.key);
  if (!stored) return '';
  const card = renderCard(await loadCardInput(stored, services.enrichment, services.config(), services.notices));
  return `${index > 0 ? '\n' : ''}${card}`;
}
