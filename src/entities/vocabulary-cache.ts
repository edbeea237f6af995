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
 * A vocabulary stored later by another process is loaded at the next use after `recheckMs`.
 */
export function loadVocabularyOnce(dir: string, log: Logger, shared?: SharedVocabulary, recheckMs = 5000): () => Promise<Vocabulary | undefined> {
  let loading: Promise<Vocabulary | undefined> | undefined;
  /** The shared version loaded (undefined: none, or not shared). */
  let loaded: number | undefined;
  let checkedAt = Date.now();
  const load = async () => {
    const started = performance.now();
    let vocabulary: Vocabulary | undefined;
    if (shared) ({ vocabulary, version: loaded } = await fromShared(dir, log, shared));
    else vocabulary = existsSync(dir) ? await loadVocabulary(dir) : undefined;
    if (!vocabulary) {
      log.warn(
        { event: 'vocab.missing', dir },
        `no offline vocabulary in ${dir}${shared ? ' nor in the database' : ''}: run \`litwatch vocab sync\` (or set LITWATCH_VOCAB) so works PubTator has not annotated yet get entities`,
      );
      return undefined;
    }
    log.info({ event: 'vocab.loaded', dir, version: loaded, durationMs: Math.round(performance.now() - started) }, 'offline vocabulary loaded');
    return vocabulary;
  };
  return async () => {
    // A long-running process follows a vocabulary stored later (a `vocab sync` on any machine):
    // asked of the database at most every `recheckMs`, when the vocabulary is used.
    if (loading && shared && Date.now() - checkedAt >= recheckMs) {
      checkedAt = Date.now();
      const newest = await shared.newestVersion();
      if (newest && newest.version !== loaded) {
        log.info(
          { event: 'vocab.shared_changed', version: newest.version },
          `shared vocabulary version ${newest.version} stored by ${newest.loadedBy}: loading it`,
        );
        loading = undefined;
      }
    }
    loading ??= load();
    return loading;
  };
}

async function fromShared(dir: string, log: Logger, shared: SharedVocabulary): Promise<{ vocabulary?: Vocabulary; version?: number }> {
  const local = existsSync(dir) ? await readLocal(dir) : undefined;
  const newest = await shared.newestVersion();
  // A folder that lacks a file: the loader's own `not found` error when nothing is shared.
  if (local === 'incomplete' && !newest) return { vocabulary: await loadVocabulary(dir) };
  if (typeof local === 'object' && (!newest || (newest.sha256 !== local.sha256 && local.modifiedAt > newest.loadedAt))) {
    // Checked before it is stored: a folder the loader refuses never becomes everyone's.
    const vocabulary = vocabularyFromTexts(local.texts, dir);
    const { version } = await shared.store(local.texts, local.sha256, `${hostname()}:${process.pid} ${path.resolve(dir)}`);
    log.info(
      { event: 'vocab.stored', dir, version },
      `the vocabulary in ${dir} stored as shared vocabulary version ${version}, used by every litwatch process`,
    );
    return { vocabulary, version };
  }
  if (!newest) return {};
  if (typeof local === 'object' && local.sha256 === newest.sha256) return { vocabulary: vocabularyFromTexts(local.texts, dir), version: newest.version };
  if (local) {
    log.warn(
      { event: 'vocab.local_differs', dir, version: newest.version },
      `the vocabulary in ${dir} differs from shared vocabulary version ${newest.version} (stored by ${newest.loadedBy})${local === 'incomplete' ? ' (it lacks a file)' : ', and is older'}; using the shared one (run \`litwatch vocab sync\` to update both)`,
    );
  }
  const texts = await shared.texts(newest.version);
  if (!texts) return {};
  return { vocabulary: vocabularyFromTexts(texts, `shared vocabulary version ${newest.version}`), version: newest.version };
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
