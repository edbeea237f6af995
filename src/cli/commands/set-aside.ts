import { loadSettings, openRuntime } from '../runtime.ts';
import { writeLine } from '../write-line.ts';

export interface SetAsideOptions {
  limit?: number;
  json?: boolean;
}

/**
 * `litwatch set-aside [--limit N] [--json]`: records a fetch could not read or store, newest
 * first, with the reason (the rest of their batch was stored and the poll went on).
 */
export async function setAsideCommand(options: SetAsideOptions): Promise<void> {
  const runtime = await openRuntime(await loadSettings());
  try {
    const records = await runtime.services.setAside.list(options.limit ?? 100);
    const total = await runtime.services.setAside.count();
    for (const r of records) {
      const lastAt = new Date(r.lastAt).toISOString();
      await writeLine(
        options.json
          ? JSON.stringify({ ...r, firstAt: new Date(r.firstAt).toISOString(), lastAt })
          : `${r.source}\t${r.recordId}\t${r.watchId}\t${lastAt}\t${r.times}\t${oneLine(r.reason)}\t${oneLine(r.title)}`,
      );
    }
    if (!options.json)
      process.stderr.write(`${total} record${total === 1 ? '' : 's'} set aside${records.length < total ? ` (${records.length} shown)` : ''}\n`);
  } finally {
    await runtime.close();
  }
}

/** A field of a tab-separated line: its own tabs and line breaks would split the row. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
