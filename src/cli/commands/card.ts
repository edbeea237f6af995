import { createReadStream } from 'node:fs';
import { cardJson } from '../../card/card-json.ts';
import { renderCard } from '../../card/render-card.ts';
import { streamPubmedRecords } from '../../parse/pubmed-stream.ts';
import { workKeyFor } from '../../store/doi.ts';
import { writeLine } from '../write-line.ts';

/**
 * `litwatch card <efetch.xml>... [--json]`: offline, no Redis. Files are streamed record by
 * record, so a file of any size is rendered in constant memory.
 */
export async function cardCommand(files: string[], options: { json?: boolean }): Promise<void> {
  let count = 0;
  let failed = 0;
  for (const file of files) {
    const onRecordError = (err: Error) => {
      failed++;
      process.stderr.write(`${file}: ${err.message}\n`);
    };
    for await (const record of streamPubmedRecords(createReadStream(file), { onRecordError })) {
      if (record.kind === 'deleted') continue;
      count++;
      if (options.json) {
        await writeLine(JSON.stringify({ key: workKeyFor(record), ...cardJson({ article: record }) }));
      } else {
        await writeLine(`${count > 1 ? '\n' : ''}${renderCard({ article: record })}`);
      }
    }
  }
  if (failed > 0) process.exitCode = 1;
}
