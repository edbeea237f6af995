import { ConfigError } from '../../config/config-errors.ts';
import { loadEnv } from '../../config/env.ts';
import { syncVocabulary, type VocabSources } from '../../entities/vocab-sync.ts';
import { loadSettings, openRuntime } from '../runtime.ts';

export interface VocabSyncOptions {
  dir?: string;
  meshDescriptors?: string;
  meshSupplementary?: string;
  mondo?: string[];
  taxonomy?: string;
}

/**
 * `litwatch vocab sync`: download MeSH, MONDO's MeSH mappings and NCBI taxonomy names and
 * prepare the offline vocabulary in LITWATCH_VOCAB (or --dir). Each source can be replaced
 * (a mirror, a pinned release, a local server).
 */
export async function vocabSyncCommand(options: VocabSyncOptions): Promise<void> {
  const dir = options.dir ?? loadEnvOrExit()?.LITWATCH_VOCAB;
  if (!dir) return;
  const sources: Partial<VocabSources> = {
    ...(options.meshDescriptors ? { meshDescriptors: options.meshDescriptors } : {}),
    ...(options.meshSupplementary ? { meshSupplementary: options.meshSupplementary } : {}),
    ...(options.mondo?.length ? { mondoMappings: options.mondo } : {}),
    ...(options.taxonomy ? { taxonomy: options.taxonomy } : {}),
  };
  try {
    const result = await syncVocabulary({ dir, sources });
    process.stdout.write(`${JSON.stringify({ dir, ...result })}\n`);
  } catch (err) {
    process.stderr.write(`vocab sync failed, the vocabulary in ${dir} is unchanged: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    return;
  }
  if (!options.dir) await storeShared(dir);
}

/**
 * Store the new vocabulary in the database at once, so every litwatch process uses it (it is
 * newer than the stored one; see vocabulary-cache.ts). Not reaching the database is no failure
 * of the sync: the next litwatch process here that loads the folder stores it.
 */
async function storeShared(dir: string): Promise<void> {
  try {
    const runtime = await openRuntime(await loadSettings(), { sharedConfig: false });
    try {
      await runtime.services.vocabulary();
    } finally {
      await runtime.close();
    }
  } catch (err) {
    process.stderr.write(
      `the vocabulary in ${dir} is not stored in the database yet (${err instanceof Error ? err.message : String(err)}); the next litwatch process to load it stores it\n`,
    );
  }
}

function loadEnvOrExit() {
  try {
    return loadEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}
