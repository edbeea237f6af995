import { existsSync } from 'node:fs';
import type { Logger } from '../log.ts';
import { loadVocabulary, type Vocabulary } from './vocabulary.ts';

/**
 * The vocabulary is a few MB of tables: load it once per process, on first use, and only if
 * the folder exists. Without one, litwatch still works (cards wait for PubTator); the log says
 * how to get it, once.
 */
export function loadVocabularyOnce(dir: string, log: Logger): () => Promise<Vocabulary | undefined> {
  let loading: Promise<Vocabulary | undefined> | undefined;
  return () => {
    loading ??= (async () => {
      if (!existsSync(dir)) {
        log.warn(
          { event: 'vocab.missing', dir },
          `no offline vocabulary in ${dir}: run \`litwatch vocab sync\` (or set LITWATCH_VOCAB) so works PubTator has not annotated yet get entities`,
        );
        return undefined;
      }
      const started = performance.now();
      const vocabulary = await loadVocabulary(dir);
      log.info({ event: 'vocab.loaded', dir, durationMs: Math.round(performance.now() - started) }, 'offline vocabulary loaded');
      return vocabulary;
    })();
    return loading;
  };
}
