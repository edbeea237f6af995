import { checkConfig } from '../../config/load-config.ts';
import { ConfigError, formatProblems } from '../../config/config-errors.ts';
import { loadEnv } from '../../config/env.ts';
import { pmcFieldTagWarnings } from '../../config/pmc-field-tags.ts';
import { checkQueriesLive } from '../../poll/check-queries-live.ts';
import { loadSettings, openRuntime } from '../runtime.ts';

/**
 * `litwatch config check [--live]`: every problem as `file:line: field: message`, exit 1 if any.
 * With --live, each watch's query is also run once against NCBI (a count, nothing fetched), and
 * every phrase or field tag PubMed or PMC did not search as written is a problem too.
 * Watches that search PMC with PubMed-only field tags get a warning line (exit status unchanged).
 */
export async function configCheckCommand(options: { live?: boolean } = {}): Promise<void> {
  let dir: string;
  try {
    dir = loadEnv().LITWATCH_CONFIG;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  const result = await checkConfig(dir);
  if (!result.ok) {
    process.stderr.write(`${formatProblems(result.problems)}\n`);
    process.exitCode = 1;
    return;
  }
  // Warnings, not problems: the query is valid, but PMC searches it differently from PubMed.
  for (const warning of pmcFieldTagWarnings(result.config)) {
    process.stderr.write(`${formatProblems([{ ...result.locate(['watches', warning.watch, 'query']), message: `warning: ${warning.message}` }])}\n`);
  }
  if (options.live) {
    const runtime = await openRuntime(await loadSettings(), { sharedConfig: false });
    try {
      const { services } = runtime;
      const problems = await checkQueriesLive(services.ncbi, result.config, result.locate, services.now(), (id) => process.stderr.write(`checking ${id}…\n`));
      if (problems.length > 0) {
        process.stderr.write(`${formatProblems(problems)}\n`);
        process.exitCode = 1;
        return;
      }
    } finally {
      await runtime.close();
    }
  }
  process.stdout.write(`${result.summary}${options.live ? '; every query searched as written' : ''}\n`);
}
