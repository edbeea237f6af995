import type { NcbiFault } from './ncbi-fault-proxy.ts';
import type { SmtpFault } from '../test/helpers/smtp-fault-server.ts';

/** The job kinds a worker is killed during, in turn (their BullMQ job names). */
export const JOB_KINDS = {
  poll: 'poll-watch',
  fetch: 'fetch-batch',
  enrich: 'enrich-works',
  fulltext: 'fetch-full-texts',
  build: 'build-digest',
  send: 'send-digest',
} as const;

export type Fault =
  | { kind: 'kill-worker'; during: keyof typeof JOB_KINDS }
  | { kind: 'redis-kill9' }
  | { kind: 'postgres-cut' }
  | { kind: 'ncbi'; fault: NcbiFault }
  | { kind: 'smtp'; fault: SmtpFault };

export function faultName(fault: Fault): string {
  switch (fault.kind) {
    case 'kill-worker':
      return `kill -9 worker during ${fault.during}`;
    case 'redis-kill9':
      return 'kill -9 Redis, restart on AOF';
    case 'postgres-cut':
      return 'PostgreSQL unreachable 4 s';
    case 'ncbi':
      return `NCBI ${fault.fault}`;
    case 'smtp':
      return `SMTP ${fault.fault}`;
  }
}

/** Which phase of a round the fault lands in: the poll (NCBI, fetch, enrich) or the digests. */
export function phaseOf(fault: Fault): 'poll' | 'digest' {
  if (fault.kind === 'smtp') return 'digest';
  if (fault.kind === 'kill-worker') return fault.during === 'build' || fault.during === 'send' ? 'digest' : 'poll';
  return 'poll';
}

/** Every fault once, in the order rounds take them; rounds beyond the list start it again. */
export function faultCycle(withPostgres: boolean): Fault[] {
  const ncbi: NcbiFault[] = ['429-storm', '429-retry-after', '500', '502', '503', 'timeout', 'reset-mid-body', 'truncated-xml', 'html-200', 'reply-50mb'];
  const smtp: SmtpFault[] = ['421', '451', '550-one', 'drop-after-data'];
  return [
    ...(Object.keys(JOB_KINDS) as (keyof typeof JOB_KINDS)[]).map((during) => ({ kind: 'kill-worker', during }) as const),
    { kind: 'redis-kill9' },
    ...(withPostgres ? [{ kind: 'postgres-cut' } as const] : []),
    ...ncbi.map((fault) => ({ kind: 'ncbi', fault }) as const),
    ...smtp.map((fault) => ({ kind: 'smtp', fault }) as const),
  ];
}
