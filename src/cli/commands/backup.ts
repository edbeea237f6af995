import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { loadEnv } from '../../config/env.ts';
import { BackupStore } from '../../store/backup-store.ts';
import { ImportError } from '../../store/db/database-errors.ts';
import { openDatabase } from '../../store/db/open-database.ts';

const PROGRESS_EVERY = 10_000;

/** `litwatch export [--out FILE]`: every durable record as JSON lines (stdout by default). */
export async function exportCommand(options: { out?: string }): Promise<void> {
  const db = openDatabase(loadEnv());
  const out = options.out ? createWriteStream(options.out) : process.stdout;
  try {
    const backup = new BackupStore(db);
    const write = async (line: unknown) => {
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    };
    await write(backup.header());
    let rows = 0;
    for await (const line of backup.rows()) {
      await write(line);
      rows += 1;
      if (options.out && rows % PROGRESS_EVERY === 0) process.stderr.write(`${rows} rows written\n`);
    }
    if (options.out) {
      out.end();
      await once(out, 'finish');
    }
    process.stderr.write(`exported ${rows} rows${options.out ? ` to ${options.out}` : ''}\n`);
  } finally {
    await db.close();
  }
}

/** `litwatch import FILE`: loads an export into an empty database, all or nothing. */
export async function importCommand(file: string): Promise<void> {
  const db = openDatabase(loadEnv());
  try {
    const input = createReadStream(file, 'utf8');
    const opened = new Promise<void>((resolve, reject) => input.once('open', () => resolve()).once('error', reject));
    await opened.catch((err: NodeJS.ErrnoException) => {
      throw new ImportError(`${file}: cannot read it (${err.code ?? err.message})`);
    });
    const reader = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
    const first = await reader.next();
    let header: unknown;
    try {
      header = first.done ? undefined : JSON.parse(first.value);
    } catch {
      header = undefined;
    }
    async function* rest() {
      let number = 1;
      for (let next = await reader.next(); !next.done; next = await reader.next()) yield { number: ++number, text: next.value };
    }
    const loaded = await new BackupStore(db).load(file, header, rest(), (rows) => {
      if (rows % PROGRESS_EVERY < 1000) process.stderr.write(`${rows} rows loaded\n`);
    });
    const total = Object.values(loaded).reduce((a, b) => a + b, 0);
    process.stderr.write(
      `imported ${total} rows: ${
        Object.entries(loaded)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ') || 'nothing'
      }\n`,
    );
  } finally {
    await db.close();
  }
}
