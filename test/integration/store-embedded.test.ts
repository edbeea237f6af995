import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { migratedOnFirstUse } from '../../src/store/db/open-database.ts';
import { openEmbedded } from '../../src/store/db/embedded-database.ts';
import { storeSuite } from '../store/store-suite.ts';

// The same store suite against the embedded database (PGlite), in a temporary folder.
storeSuite('the embedded database', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-embedded-'));
  return {
    db: migratedOnFirstUse(openEmbedded(dir)),
    prefix: `lwtest-embedded-${randomBytes(4).toString('hex')}`,
    cleanUp: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
