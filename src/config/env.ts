import { isIP } from 'node:net';
import path from 'node:path';
import * as z from 'zod';
import { ConfigError, type Problem } from './config-errors.ts';

const PINO_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Letters, digits, `_` and `-`, optionally wrapped in one pair of braces.
 * - No `:`: BullMQ and src/store build keys as `<prefix>:<queue>:...`, so a prefix `a:b`
 *   would share the key space of prefix `a` with a queue named `b`, and a cleanup of one
 *   install would delete the other's keys.
 * - No spaces or glob characters (`* ? [ ] \`): the prefix ends up in `SCAN MATCH <prefix>:*`
 *   patterns, where they would match other installs' keys, and spaces break redis-cli use.
 * - Braces only around the whole prefix: `{litwatch}` is BullMQ's documented Redis Cluster
 *   hash tag (all keys of a queue in one slot); a brace anywhere else would make an
 *   unintended partial hash tag.
 */
const PREFIX = /^(?:[A-Za-z0-9_-]{1,64}|\{[A-Za-z0-9_-]{1,64}\})$/;

/** `host:port` or `redis[s]://[user:password@]host:port`, or undefined when it is neither. */
function clusterNode(entry: string): { host: string; port: number; username?: string; password?: string; tls: boolean } | undefined {
  const url = /^rediss?:\/\//.test(entry) ? entry : `redis://${entry}`;
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  const port = Number(parsed.port);
  if (!parsed.hostname || !Number.isInteger(port) || port < 1 || port > 65535 || (parsed.pathname !== '' && parsed.pathname !== '/')) return undefined;
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    tls: parsed.protocol === 'rediss:',
  };
}

/** A message that quotes the value: only for variables that are not secrets. */
const quoting = (what: string) => (issue: { input?: unknown }) => `${what}, got ${JSON.stringify(issue.input)}`;

/**
 * A whole number read from a string. Zod's own message for "abc" is "expected number, received
 * NaN"; the variable's own words say what it wants and quote what it got.
 */
function wholeNumber(what: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .refine((value) => /^\s*\d+\s*$/.test(value) && Number(value) >= min && Number(value) <= max, { error: quoting(what) })
    .transform(Number);
}

/** Checks a URL that may carry a password: its value never appears in a message. */
function secretUrl(protocols: readonly string[]) {
  const allowed = protocols.map((protocol) => `${protocol}//`).join(' or ');
  return z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
    error: `must be a ${allowed} URL (value not shown: it may hold a password)`,
  });
}

const envSchema = z.object({
  /** Redis for the queues, rate limits and short locks; unset means the caller finds or starts a local one. Secret. */
  REDIS_URL: secretUrl(['redis:', 'rediss:']).optional(),
  /**
   * A Redis Cluster instead of REDIS_URL: some of its nodes, comma-separated, as `host:port` or
   * `redis://[user:password@]host:port` (`rediss://` for TLS; the first node's login is used for
   * all). The client finds the other nodes itself. Secret (it may hold a password).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((value, ctx) => {
      const nodes = value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      const parsed = nodes.map(clusterNode);
      if (parsed.length === 0 || parsed.some((node) => node === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be nodes separated by commas, each host:port or redis://[user:password@]host:port (value not shown: it may hold a password)',
        });
        return z.NEVER;
      }
      const first = parsed[0]!;
      return {
        nodes: parsed.map((node) => ({ host: node!.host, port: node!.port })),
        ...(first.username ? { username: first.username } : {}),
        ...(first.password ? { password: first.password } : {}),
        tls: first.tls,
      };
    })
    .optional(),
  /** PostgreSQL (14 or newer) holding every durable record; unset: the embedded database in LITWATCH_DB_DIR. Secret. */
  DATABASE_URL: secretUrl(['postgres:', 'postgresql:']).optional(),
  /**
   * Connections each process keeps open to DATABASE_URL. Every process (start, each worker, the
   * CLI) opens its own pool, so a managed PostgreSQL's connection limit is shared out by this;
   * behind PgBouncer the pooler's own limit is what counts. @defaultValue 10
   */
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1, { error: quoting('must be a number of connections, at least 1') })
    .max(1000, { error: quoting('must be a number of connections, at most 1000') })
    .default(10),
  /** Folder of the embedded database (one process only), made absolute. @defaultValue `var/db` */
  LITWATCH_DB_DIR: z
    .string()
    .default('var/db')
    .transform((dir) => path.resolve(dir)),
  /** SMTP server for digests. Secret. */
  SMTP_URL: secretUrl(['smtp:', 'smtps:']).optional(),
  /** @defaultValue `https://eutils.ncbi.nlm.nih.gov/entrez/eutils`, always without a trailing slash */
  NCBI_EUTILS_URL: z
    // Not z.httpUrl(): it wants a public domain name, and tests point this at localhost.
    .url({ protocol: /^https?$/, error: quoting('must be an http:// or https:// URL') })
    .default('https://eutils.ncbi.nlm.nih.gov/entrez/eutils')
    // Callers append `/esearch.fcgi`; a trailing slash would give `eutils//esearch.fcgi`.
    .transform((url) => url.replace(/\/+$/, '')),
  /** Raises NCBI's limit from 3 to 10 requests per second. Secret. */
  NCBI_API_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]+$/, 'must be letters and digits only, as NCBI issues it (value not shown: it is a secret)')
    .optional(),
  /** Contact address NCBI asks every E-utilities client to send. */
  NCBI_EMAIL: z.email({ error: quoting('must be an email address') }).optional(),
  /**
   * The largest NCBI reply read, in bytes; a longer one is cut off and its job fails. A 200-record
   * PubMed efetch is a few MB, 20 PMC full texts rarely 20 MB. @defaultValue 64 MiB
   */
  NCBI_MAX_REPLY_BYTES: wholeNumber('must be a number of bytes, at least 1024', 1024).default(64 * 1024 * 1024),
  /** Sent as `tool`; NCBI does not allow spaces in it. @defaultValue `litwatch` */
  NCBI_TOOL: z
    .string()
    .regex(/^\S+$/, { error: quoting('must not contain spaces') })
    .default('litwatch'),
  /** Folder holding watches.yaml, made absolute against the working directory. @defaultValue `config` */
  LITWATCH_CONFIG: z
    .string()
    .default('config')
    .transform((dir) => path.resolve(dir)),
  /** Prefix of every Redis key (see PREFIX above). @defaultValue `litwatch` */
  LITWATCH_PREFIX: z
    .string()
    .regex(PREFIX, {
      error: quoting('must be 1-64 letters, digits, "_" or "-", optionally in {braces} for Redis Cluster'),
    })
    .default('litwatch'),
  /** A pino level. @defaultValue `info` */
  PUBTATOR_URL: z
    .url({ protocol: /^https?$/, error: quoting('must be an http:// or https:// URL') })
    .default('https://www.ncbi.nlm.nih.gov/research/pubtator3-api')
    .transform((url) => url.replace(/\/+$/, '')),
  PMC_IDCONV_URL: z
    .url({ protocol: /^https?$/, error: quoting('must be an http:// or https:// URL') })
    .default('https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/'),
  // The offline vocabulary (diseases.tsv, species.tsv, mesh_to_mondo.tsv), made by `litwatch vocab sync`.
  LITWATCH_VOCAB: z
    .string()
    .default('var/vocab')
    .transform((dir) => path.resolve(dir)),
  // An OpenAI-compatible chat completions endpoint for card summaries; unset: extractive summaries.
  SUMMARISER_URL: z.url({ protocol: /^https?$/, error: quoting('must be an http:// or https:// URL') }).optional(),
  SUMMARISER_MODEL: z.string().min(1).default('gpt-4o-mini'),
  SUMMARISER_API_KEY: z.string().min(1).optional(),
  SUMMARISER_TIMEOUT_MS: wholeNumber('must be a positive number of milliseconds', 1).default(8000),
  // Signs the links in emails (confirm, preferences, unsubscribe). Without it, subscription
  // pages and digests are off. At least 32 characters: `openssl rand -hex 32`.
  LITWATCH_SECRET: z.string().min(32, 'must be at least 32 characters, e.g. `openssl rand -hex 32` (value not shown: it is a secret)').optional(),
  // The address people reach litwatch at; every link in an email is built on it. Unset:
  // http://localhost:PORT (filled in by loadEnv).
  LITWATCH_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: quoting('must be an http:// or https:// URL') })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  // Where a first start keeps what it generates (the link secret, the dashboard password), 0600.
  LITWATCH_VAR: z
    .string()
    .default('var')
    .transform((dir) => path.resolve(dir)),
  // Credentials for /admin (dashboard, bull-board). Without both, the admin pages are off.
  DASHBOARD_USER: z.string().min(1).optional(),
  DASHBOARD_PASSWORD: z.string().min(12, 'must be at least 12 characters (value not shown: it is a secret)').optional(),
  // bull-board without its retry, clean, pause, promote and remove actions (its readOnlyMode).
  DASHBOARD_READ_ONLY: z.stringbool({ error: quoting('must be true or false') }).default(false),
  // Which proxies in front of litwatch may say who the client is (X-Forwarded-For), as Express's
  // `trust proxy`: a number of hops, or addresses/subnets (`loopback`, `10.0.0.0/8`). Unset,
  // the client is the TCP peer; behind a proxy that makes every client the proxy, so the admin
  // login throttle would count everyone as one address. `true` is refused: trusting every hop
  // lets any client pick its own address and walk around the throttle.
  TRUST_PROXY: z
    .string()
    .refine((value) => value !== 'true', {
      error: 'true trusts any X-Forwarded-For a client sends; give the number of proxies (e.g. 1) or their addresses (e.g. loopback)',
    })
    .transform((value): number | string | false => (value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value))
    .default(false),
  // How long a job stays locked to its worker without a heartbeat: after a crash (or a bounded
  // shutdown) it goes to another worker this much later. BullMQ's default.
  LITWATCH_LOCK_MS: wholeNumber('must be at least 1000 milliseconds', 1000).default(30_000),
  // How often a process asks the database for a newer shared config (config_versions): an edit
  // saved on any machine is in force everywhere within this. One indexed row per ask.
  LITWATCH_CONFIG_POLL_MS: wholeNumber('must be at least 100 milliseconds', 100).default(5_000),
  // How long a digest's sender holds it: a sender that died is taken over after this. Keep it
  // shorter than the send job's retry budget (5 attempts, 15 s doubling) and longer than a send.
  LITWATCH_SEND_LEASE_MS: wholeNumber('must be at least 1000 milliseconds', 1000).default(60_000),
  // On SIGTERM/SIGINT, how long active jobs may run before they are handed back to the queue.
  LITWATCH_SHUTDOWN_MS: wholeNumber('must be a number of milliseconds', 0).default(25_000),
  // For tests only (see src/clock.ts): the instant litwatch's calendar clock reads at start, as
  // ISO 8601 with a zone (2026-11-27T08:00:00Z); it then runs on in real time. Unset in production.
  LITWATCH_CLOCK: z.iso
    .datetime({ offset: true, error: quoting('must be an ISO 8601 instant such as 2026-11-27T08:00:00Z') })
    .transform((value) => Date.parse(value))
    .optional(),
  PORT: wholeNumber('must be a port number, 1 to 65535', 1, 65535).default(3000),
  // The address the web server listens on: only this machine by default, so a first start does
  // not publish /subscribe and /healthz to the network; `0.0.0.0` (docker-compose.yml) for all.
  HOST: z
    .string()
    .refine((value) => isIP(value) !== 0 || /^[A-Za-z0-9.-]+$/.test(value), {
      error: quoting('must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0'),
    })
    .default('127.0.0.1'),
  // Where digests go as .eml files when SMTP_URL is not set.
  LITWATCH_OUTBOX: z
    .string()
    .default('var/outbox')
    .transform((dir) => path.resolve(dir)),
  LOG_LEVEL: z.enum(PINO_LEVELS, { error: quoting(`must be one of ${PINO_LEVELS.join(', ')}`) }).default('info'),
});

export type Env = Readonly<Omit<z.output<typeof envSchema>, 'LITWATCH_PUBLIC_URL'> & { LITWATCH_PUBLIC_URL: string }>;

/** The variable names litwatch reads; everything else in the environment is ignored. */
const ENV_NAMES = Object.keys(envSchema.shape);

/**
 * Parses litwatch's environment variables into a frozen object. Every bad variable is
 * reported at once, as `env: NAME: what is wrong`, so one restart fixes them all.
 * @throws ConfigError
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(pickOurs(source));
  if (!result.success) throw new ConfigError(result.error.issues.map(toProblem));
  if (result.data.REDIS_URL && result.data.REDIS_CLUSTER_NODES) {
    throw new ConfigError([
      { file: 'env', field: 'REDIS_CLUSTER_NODES', message: 'set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both' },
    ]);
  }
  return Object.freeze({ ...result.data, LITWATCH_PUBLIC_URL: result.data.LITWATCH_PUBLIC_URL ?? `http://localhost:${result.data.PORT}` });
}

/** E-utilities allow 10 requests per second with an API key and 3 without (each service's own rate: src/ncbi/service-limits.ts). */
export function ncbiRequestsPerSecond(env: Pick<Env, 'NCBI_API_KEY'>): number {
  return env.NCBI_API_KEY === undefined ? 3 : 10;
}

/** `NAME=` in a .env file or compose file means "not set", not "set to nothing". */
function pickOurs(source: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(ENV_NAMES.map((name) => [name, source[name] === '' ? undefined : source[name]]));
}

function toProblem(issue: z.core.$ZodIssue): Problem {
  return { file: 'env', field: String(issue.path[0]), message: issue.message };
}
