import { loadEnv } from '../../config/env.ts';
import type { Database } from '../../store/db/database.ts';
import { migrate, migrationStatus } from '../../store/db/migrate.ts';
import { openDatabaseRaw } from '../../store/db/open-database.ts';
import { writeLine } from '../write-line.ts';

/** `litwatch db migrate`: brings the schema up to this version (safe while others start). */
export async function dbMigrateCommand(): Promise<void> {
  const db = openDatabaseRaw(loadEnv());
  try {
    const applied = await migrate(db);
    for (const m of applied) await writeLine(`applied ${m.name}`);
    process.stderr.write(
      `${describe(db)} at ${db.where}: ${applied.length === 0 ? 'up to date' : `${applied.length} migration${applied.length === 1 ? '' : 's'} applied`}\n`,
    );
  } finally {
    await db.close();
  }
}

/** `litwatch db status [--json]`: which database, applied and pending migrations. Changes nothing but the ledger table. */
export async function dbStatusCommand(options: { json?: boolean }): Promise<void> {
  const db = openDatabaseRaw(loadEnv());
  try {
    const status = await migrationStatus(db);
    if (options.json) {
      await writeLine(
        JSON.stringify({
          kind: db.kind,
          where: db.where,
          ...(db.servedBy === undefined ? {} : { servedBy: db.servedBy }),
          codeVersion: status.codeVersion,
          applied: status.applied,
          pending: status.pending.map((m) => m.name),
        }),
      );
      return;
    }
    await writeLine(`${describe(db)} at ${db.where}${db.servedBy === undefined ? '' : `, through the running litwatch (process ${db.servedBy})`}`);
    for (const m of status.applied) await writeLine(`applied  ${m.name}  ${m.appliedAt.toISOString()}`);
    for (const m of status.pending) await writeLine(`pending  ${m.name}`);
    const newest = status.applied.at(-1)?.version ?? 0;
    if (newest > status.codeVersion)
      await writeLine(`the database is newer than this litwatch (${newest} > ${status.codeVersion}): litwatch start will refuse it`);
  } finally {
    await db.close();
  }
}

function describe(db: Database): string {
  return db.kind === 'embedded' ? 'embedded database' : 'PostgreSQL';
}
