/**
 * CLI start-up: `node bin/litwatch.js --help` (the compiled dist/, as `npm install` leaves it)
 * against a bare `node -e 0` on the same machine, ten runs of each in turn, medians compared.
 * The figure is what every command pays before any work. It needs dist/ to be current
 * (`npm run build`): otherwise bin/litwatch.js runs the sources through tsx, and says so.
 */
import { median } from './card-throughput.ts';
import { measure } from './measure.ts';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 10;

export interface StartupFigures {
  litwatch: number;
  node: number;
  runs: number;
}

export async function startup(log: (line: string) => void): Promise<StartupFigures> {
  const litwatch: number[] = [];
  const node: number[] = [];
  // one of each first, not counted: the files are then in the page cache for every counted run
  for (let i = -1; i < RUNS; i++) {
    const cli = await measure(process.execPath, ['bin/litwatch.js', '--help'], { cwd: ROOT });
    if (cli.exitCode !== 0 || cli.stderr !== '') throw new Error(`litwatch --help exited ${cli.exitCode}: ${cli.stderr}`);
    const bare = await measure(process.execPath, ['-e', '0'], { cwd: ROOT });
    if (i < 0) continue;
    litwatch.push(cli.seconds);
    node.push(bare.seconds);
  }
  const figures = { litwatch: median(litwatch), node: median(node), runs: RUNS };
  log(
    `litwatch --help: median ${(figures.litwatch * 1000).toFixed(0)} ms; node -e 0: median ${(figures.node * 1000).toFixed(0)} ms (${RUNS} runs each, in turn)`,
  );
  return figures;
}
