import { loadSettings, openRuntime } from '../runtime.ts';
import { writeLine } from '../write-line.ts';

/** `litwatch works [--watch ID] [--limit N] [--json]`: stored works, newest first. */
export async function worksCommand(options: { watch?: string; limit?: number; json?: boolean }): Promise<void> {
  const settings = await loadSettings();
  const runtime = await openRuntime(settings);
  try {
    const works = await runtime.services.works.list({ watchId: options.watch, limit: options.limit });
    for (const work of works) {
      if (options.json) {
        await writeLine(JSON.stringify({ ...work, firstSeen: new Date(work.firstSeen).toISOString() }));
      } else {
        await writeLine(`${work.key}\t${work.pmid ?? '-'}\t${work.watches.join(',')}\t${work.title}`);
      }
    }
    if (!options.json) process.stderr.write(`${works.length} work${works.length === 1 ? '' : 's'}${options.watch ? ` matched by ${options.watch}` : ''}\n`);
  } finally {
    await runtime.close();
  }
}
