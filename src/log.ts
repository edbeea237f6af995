import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Fields that must never reach a log line: recipient addresses, SMTP credentials, API keys.
 * Paths cover both top-level and one-level-nested objects (`job.data.email`, `{ subscriber: { email } }`).
 */
const REDACT = [
  'email',
  'to',
  'recipient',
  'recipients',
  'apiKey',
  'api_key',
  'password',
  'smtpUrl',
  '*.email',
  '*.to',
  '*.recipient',
  '*.recipients',
  '*.apiKey',
  '*.api_key',
  '*.password',
  '*.smtpUrl',
];

export interface LoggerOptions {
  level?: string;
  /** Force pretty or JSON output; by default pretty when stderr is a terminal. */
  pretty?: boolean;
  /** Where JSON lines go instead of stderr (tests read them). */
  destination?: pino.DestinationStream;
}

/**
 * The root logger. Logs go to stderr so that commands printing data on stdout
 * (`litwatch works --json`, `litwatch card --json`) stay machine-readable.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const base = { level, redact: { paths: REDACT, censor: '[redacted]' } };
  if (options.destination) return pino(base, options.destination);
  const usePretty = options.pretty ?? Boolean(process.stderr.isTTY);
  if (usePretty) {
    // One line per entry: pino-pretty's default prints each field on a line of its own (a scheduler sync took 18).
    return pino(base, pretty({ destination: 2, colorize: true, sync: true, ignore: 'pid,hostname', singleLine: true }));
  }
  return pino(base, pino.destination({ dest: 2, sync: false }));
}

let root: Logger | undefined;

/** The process-wide logger, created on first use. */
export function log(): Logger {
  root ??= createLogger();
  return root;
}

/** Replace the process-wide logger (the CLI sets the level from the environment; tests silence it). */
export function setLogger(logger: Logger): void {
  root = logger;
}
