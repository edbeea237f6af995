import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config/config-errors.ts';
// Type-only: erased at run time, so the command modules still load lazily.
import type { CardOptions } from './commands/card.ts';
import type { AddOptions } from './commands/subscribers.ts';
import type { VocabSyncOptions } from './commands/vocab-sync.ts';
import type { WatchPreviewOptions } from './commands/watch-preview.ts';
import type { WorksOptions } from './commands/works.ts';
import type { SetAsideOptions } from './commands/set-aside.ts';
import { RedisUnavailableError } from '../redis/redis-unavailable-error.ts';
import { DatabaseError } from '../store/db/database-errors.ts';
import { RedisEvictionError } from '../redis/redis-eviction-error.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { chooseCommandLog, commandLogNote } from './command-log.ts';
import { oneLineError } from './error-line.ts';
import { UserError } from './user-error.ts';

// `--verbose` anywhere on the line shows the log on a terminal and stack traces of errors;
// taken out before commander parses, so every command accepts it wherever it is written.
const verbose = process.argv.includes('--verbose');
const argv = process.argv.filter((arg) => arg !== '--verbose');

// Commands are imported when run: `litwatch card` then never loads BullMQ and ioredis
// (half the start-up time and a third of the baseline memory).
const program = new Command('litwatch')
  .description('Literature watch: polls PubMed on a schedule, keeps one record per work, writes each up as a card.')
  .version(packageVersion(), '-V, --version', 'print the version of litwatch')
  .option('--verbose', 'show the log on the terminal (else in var/log/<command>.log) and the stack trace of an error')
  // Usage errors stay one line, with where to read more.
  .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) })
  // Which command runs decides where its log goes (command-log.ts), before it creates its logger.
  .hook('preAction', (_program, action) => chooseCommandLog({ command: commandPath(action), verbose, stderrIsTTY: Boolean(process.stderr.isTTY) }));

program
  .command('card')
  .description('print the card of every article in PubMed efetch XML files (offline)')
  .argument('<efetch.xml...>', 'efetch XML files (a PubmedArticleSet each)')
  .option('--json', 'one JSON object per line instead of Markdown')
  .option('--pmc <jats.xml...>', 'PMC JATS full texts (efetch db=pmc or .nxml), matched by PMID/PMCID')
  .option('--pubtator <biocjson...>', 'PubTator3 BioC JSON exports, matched by PMID/PMCID')
  .option('--vocab <dir>', 'offline vocabulary folder: tags articles PubTator has not annotated')
  .action(async (files: string[], options: CardOptions) => (await import('./commands/card.ts')).cardCommand(files, options));

program
  .command('config')
  .description('configuration commands')
  .command('check')
  .description('validate the environment and config/watches.yaml; prints file:line: field: problem and exits 1 on any')
  .option('--live', "also run each watch's query once against NCBI (a count only) and report what it did not search as written")
  .action(async (options: { live?: boolean }) => (await import('./commands/config-check.ts')).configCheckCommand(options));

program
  .command('poll')
  .description('poll one watch through the queues')
  .argument('<watch>', 'watch id from config/watches.yaml')
  .option('--now', "run the poll now in this process and wait until the poll's works are stored")
  .option('--wait-enrichment', 'with --now, also wait for their enrichment (full text, entities, summary)')
  .option('--json', 'print the poll summary as JSON')
  .action(async (watch: string, options: { now?: boolean; waitEnrichment?: boolean; json?: boolean }) =>
    (await import('./commands/poll.ts')).pollCommand(watch, options),
  );

program
  .command('works')
  .description('list stored works, newest first')
  .option('--watch <id>', 'only the works this watch matched')
  .option('--search <words>', 'full-text search: title, abstract, authors, journal, MeSH terms, entity names ("phrases", -not, or)')
  .option('--limit <n>', 'at most this many', positiveInt)
  .option('--json', 'one JSON object per line')
  .option('--cards', 'print each work as its card (with what enrichment added)')
  .action(async (options: WorksOptions) => (await import('./commands/works.ts')).worksCommand(options));

program
  .command('set-aside')
  .description('records a fetch could not read or store, newest first, with the reason (tab-separated: source, id, watch, last, times, reason, title)')
  .option('--limit <n>', 'at most this many', positiveInt)
  .option('--json', 'one JSON object per line')
  .action(async (options: SetAsideOptions) => (await import('./commands/set-aside.ts')).setAsideCommand(options));

const digest = program.command('digest').description('digest emails');
digest
  .command('preview')
  .description("print the subscriber's next digest (text part) without storing, sending or marking anything")
  .argument('<email>', 'a subscriber address')
  .option('--html <file>', 'write the HTML part to this file')
  .option('--text <file>', 'write the text part to this file (with --html or alone: nothing is printed)')
  .action(async (email: string, options: { html?: string; text?: string }) => (await import('./commands/digest.ts')).digestPreviewCommand(email, options));
digest
  .command('run')
  .description("build every due digest (or one subscriber's) and send it")
  .option('--now', 'build and send in this process, and wait until every send has finished')
  .option('--subscriber <email>', 'only this subscriber')
  .action(async (options: { now?: boolean; subscriber?: string }) => (await import('./commands/digest.ts')).digestRunCommand(options));

const subscribers = program.command('subscribers').description('manage subscribers');
subscribers
  .command('list')
  .description('every subscriber with status, frequency, time zone and watches')
  .option('--json', 'one JSON object per line')
  .action(async (options: { json?: boolean }) => (await import('./commands/subscribers.ts')).listSubscribersCommand(options));
subscribers
  .command('add')
  .description('subscribe an address (active at once: the admin vouches for it)')
  .argument('<email>')
  .requiredOption('--watch <id...>', 'watch ids to follow')
  .option('--frequency <daily|weekly>', 'how often', 'daily')
  .option('--timezone <zone>', 'IANA time zone of the schedule (default UTC)')
  .action(async (email: string, options: AddOptions) => (await import('./commands/subscribers.ts')).addSubscriberCommand(email, options));
subscribers
  .command('remove')
  .description('forget a subscriber and what they were sent')
  .argument('<email>')
  .action(async (email: string) => (await import('./commands/subscribers.ts')).removeSubscriberCommand(email));

program
  .command('watch')
  .description('watch commands')
  .command('preview')
  .description(
    "run a watch's query (as edited in the config, or in a draft with --config) over recent days and compare it with the query in force; stores nothing",
  )
  .argument('<watch>', 'watch id')
  .option('--days <n>', 'how many days back', positiveInt, 30)
  .option('--limit <n>', 'titles listed per group', positiveInt, 20)
  .option('--json', 'one JSON object')
  .option('--config <file>', 'read the watch from this draft watches.yaml (not yet live) instead of the config in force')
  .action(async (watch: string, options: WatchPreviewOptions) => (await import('./commands/watch-preview.ts')).watchPreviewCommand(watch, options));

program
  .command('vocab')
  .description('offline vocabulary commands')
  .command('sync')
  .description('download MeSH, MONDO mappings and NCBI taxonomy names into LITWATCH_VOCAB (default var/vocab)')
  .option('--dir <dir>', 'write here instead of LITWATCH_VOCAB')
  .option('--mesh-descriptors <url>', 'MeSH descriptors, ASCII (d20xx.bin)')
  .option('--mesh-supplementary <url>', 'MeSH supplementary concepts, ASCII (c20xx.bin)')
  .option('--mondo <url...>', "MONDO's MeSH mapping files (SSSOM), best first")
  .option('--taxonomy <url>', 'NCBITaxon taxslim.obo')
  .action(async (options: VocabSyncOptions) => (await import('./commands/vocab-sync.ts')).vocabSyncCommand(options));

const db = program.command('db').description('the database (DATABASE_URL, else the embedded one in LITWATCH_DB_DIR)');
db.command('migrate')
  .description('apply pending migrations (litwatch start does it too)')
  .action(async () => (await import('./commands/db.ts')).dbMigrateCommand());
db.command('status')
  .description('which database, which migrations are applied and which are pending')
  .option('--json', 'one JSON object')
  .action(async (options: { json?: boolean }) => (await import('./commands/db.ts')).dbStatusCommand(options));

program
  .command('export')
  .description('write every durable record (works, enrichment, watch state, subscribers, history, digests) as JSON lines')
  .option('--out <file>', 'write here instead of stdout')
  .action(async (options: { out?: string }) => (await import('./commands/backup.ts')).exportCommand(options));

program
  .command('import')
  .description('load a litwatch export into an empty database (all or nothing)')
  .argument('<file>', 'a file written by litwatch export')
  .action(async (file: string) => (await import('./commands/backup.ts')).importCommand(file));

program
  .command('start')
  .description('run litwatch: schedulers and workers (npm start)')
  .option('--role <role>', 'all | scheduler | worker | web', 'all')
  .action(async (options: { role: string }) => (await import('./commands/start.ts')).startCommand(options));

/** package.json's version: the one place it is written (npm version bumps it). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** `digest run` as `digest-run`: the command's words below the program's name. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) words.unshift(at.name());
  return words.join('-');
}

try {
  await program.parseAsync(argv);
} catch (err) {
  process.exitCode = 1;
  // Problems the user can fix get their message alone; anything else one line naming what
  // failed, and the stack trace only with --verbose.
  if (
    err instanceof ConfigError ||
    err instanceof RedisUnavailableError ||
    err instanceof RedisEvictionError ||
    err instanceof DatabaseError ||
    err instanceof UserError
  )
    process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`${oneLineError(err, verbose)}\n`);
  if (verbose && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  // A command may have left connections open (a Redis that stopped answering mid-way): do not hang.
  setTimeout(() => process.exit(), 1000).unref();
}
// What the terminal did not show: the log holds warnings or errors.
const note = commandLogNote();
if (note) process.stderr.write(`${note}\n`);
