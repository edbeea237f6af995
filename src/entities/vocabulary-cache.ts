import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { loadVocabulary, VOCABULARY_FILES, vocabularyFromTexts, type Vocabulary } from './vocabulary.ts';

/** Where every machine reads the vocabulary (the store's VocabularyStore): what this module needs of it. */
export interface SharedVocabulary {
  newestVersion(): Promise<{ version: number; sha256: string; loadedBy: string; loadedAt: number } | undefined>;
  texts(version: number): Promise<Record<string, string> | undefined>;
  store(texts: Record<string, string>, sha256: string, loadedBy: string): Promise<{ version: number; stored: boolean }>;
}

/**
 * The vocabulary is a few MB of tables: load it once per process, on first use. With a shared
 * copy (the database), every process uses the stored one, so cards are tagged alike on every
 * machine: a local folder is stored when there is none yet or when it changed after the stored
 * one (`vocab sync` ran here); an older or different local folder is said
 * (`vocab.local_differs`) and not used; a machine without a folder uses the stored one.
 * Without either, litwatch still works (cards wait for PubTator); the log says how to get it, once.
 */
export function loadVocabularyOnce(dir: string, log: Logger, shared?: SharedVocabulary): () => Promise<Vocabulary | undefined> {
  let loading: Promise<Vocabulary | undefined> | undefined;
  return () => {
    loading ??= (async () => {
      const started = performance.now();
      const vocabulary = shared ? await fromShared(dir, log, shared) : existsSync(dir) ? await loadVocabulary(dir) : undefined;
      if (!vocabulary) {
        log.warn(
          { event: 'vocab.missing', dir },
          `no offline vocabulary in ${dir}${shared ? ' nor in the database' : ''}: run \`litwatch vocab sync\` (or set LITWATCH_VOCAB) so works PubTator has not annotated yet get entities`,
        );
        return undefined;
      }
      log.info({ event: 'vocab.loaded', dir, durationMs: Math.round(performance.now() - started) }, 'offline vocabulary loaded');
      return vocabulary;
    })();
    return loading;
  };
}

async function fromShared(dir: string, log: Logger, shared: SharedVocabulary): Promise<Vocabulary | undefined> {
  const local = existsSync(dir) ? await readLocal(dir) : undefined;
  const newest = await shared.newestVersion();
  // A folder that lacks a file: the loader's own `not found` error when nothing is shared.
  if (local === 'incomplete' && !newest) return loadVocabulary(dir);
  if (typeof local === 'object' && (!newest || (newest.sha256 !== local.sha256 && local.modifiedAt > newest.loadedAt))) {
    // Checked before it is stored: a folder the loader refuses never becomes everyone's.
    const vocabulary = vocabularyFromTexts(local.texts, dir);
    const { version } = await shared.store(local.texts, local.sha256, `${hostname()}:${process.pid} ${path.resolve(dir)}`);
    log.info(
      { event: 'vocab.stored', dir, version },
      `the vocabulary in ${dir} stored as shared vocabulary version ${version}, used by every litwatch process`,
    );
    return vocabulary;
  }
  if (!newest) return undefined;
  if (typeof local === 'object' && local.sha256 === newest.sha256) return vocabularyFromTexts(local.texts, dir);
  if (local) {
    log.warn(
      { event: 'vocab.local_differs', dir, version: newest.version },
      `the vocabulary in ${dir} differs from shared vocabulary version ${newest.version} (stored by ${newest.loadedBy})${local === 'incomplete' ? ' (it lacks a file)' : ', and is older'}; using the shared one (run \`litwatch vocab sync\` to update both)`,
    );
  }
  const texts = await shared.texts(newest.version);
  if (!texts) return undefined;
  return vocabularyFromTexts(texts, `shared vocabulary version ${newest.version}`);
}

/** The folder's three files, their combined hash and the newest file's mtime; `incomplete` when one is missing. */
async function readLocal(dir: string): Promise<{ texts: Record<string, string>; sha256: string; modifiedAt: number } | 'incomplete'> {
  const texts: Record<string, string> = {};
  const hash = createHash('sha256');
  let modifiedAt = 0;
  for (const name of VOCABULARY_FILES) {
    const file = path.join(dir, name);
    try {
      texts[name] = await readFile(file, 'utf8');
      modifiedAt = Math.max(modifiedAt, (await stat(file)).mtimeMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'incomplete';
      throw error;
    }
    hash.update(`${name}\0${texts[name]}\0`);
  }
  return { texts, sha256: hash.digest('hex'), modifiedAt };
}
