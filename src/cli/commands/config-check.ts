import { checkConfig } from '../../config/load-config.ts';
import { ConfigError, formatProblems } from '../../config/config-errors.ts';
import { loadEnv } from '../../config/env.ts';

/** `litwatch config check`: every problem as `file:line: field: message`, exit 1 if any. */
export async function configCheckCommand(): Promise<void> {
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
  if (result.ok) {
    process.stdout.write(`${result.summary}\n`);
  } else {
    process.stderr.write(`${formatProblems(result.problems)}\n`);
    process.exitCode = 1;
  }
}
