export interface RoundResult {
  round: number;
  fault: string;
  /** New works this round; expected and stored count every round so far. */
  worksAdded: number;
  worksExpected: number;
  worksStored: number;
  digestsExpected: number;
  digestsSent: number;
  duplicates: number;
  /** The one duplicate SMTP cannot prevent (the connection cut after DATA). */
  duplicatesAllowed: boolean;
  stuck: number;
  /**
   * Works whose card still waits for a part at the round's end (enrichment failed under the
   * fault and waits for its backoff, or a hand-off was lost): not a goal, since a later poll
   * completes them, but shown so a fault that leaves cards bare is seen.
   */
  cardsPending: number;
  refused: number;
  failedJobs: number;
  /** litwatch processes that exited by themselves (restarted by the suite, as a supervisor would). */
  crashes: number;
  recoverMs: number;
  pollMs: number;
  digestMs: number;
  injected: boolean;
}

/** The end-of-run table: one line per fault, then the totals and whether every goal held. */
export function printTable(results: RoundResult[], write: (text: string) => void, elapsedMs: number): void {
  const byFault = new Map<string, RoundResult[]>();
  for (const r of results) byFault.set(r.fault, [...(byFault.get(r.fault) ?? []), r]);
  const header = ['fault', 'rounds', 'works exp/stored', 'digests exp/sent', 'dup', 'stuck', 'cards pending', 'failed jobs', 'crashes', 'max recover s'];
  const rows = [...byFault].map(([fault, rs]) => {
    // Stored counts every round so far: a round lost what its end found missing.
    const worksAdded = rs.reduce((n, r) => n + r.worksAdded, 0);
    const worksLost = rs.reduce((n, r) => n + Math.max(0, r.worksExpected - r.worksStored), 0);
    return [
      fault,
      String(rs.length),
      `${worksAdded}/${worksAdded - worksLost}`,
      `${sum(rs, 'digestsExpected')}/${sum(rs, 'digestsSent')}`,
      String(sum(rs, 'duplicates')),
      String(sum(rs, 'stuck')),
      String(Math.max(...rs.map((r) => r.cardsPending))),
      String(sum(rs, 'failedJobs')),
      String(sum(rs, 'crashes')),
      rs.some((r) => !r.injected) ? `${max(rs)} (${rs.filter((r) => !r.injected).length} not injected)` : max(rs),
    ];
  });
  const total = [
    'all',
    String(results.length),
    `${results.at(-1)?.worksExpected ?? 0}/${results.at(-1)?.worksStored ?? 0}`,
    `${sum(results, 'digestsExpected')}/${sum(results, 'digestsSent')}`,
    String(sum(results, 'duplicates')),
    String(sum(results, 'stuck')),
    String(results.at(-1)?.cardsPending ?? 0),
    String(sum(results, 'failedJobs')),
    String(sum(results, 'crashes')),
    max(results),
  ];
  const table = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |\n`;
  write(`\n${line(header)}|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|\n`);
  for (const row of [...rows, total]) write(line(row));
  const lost = results.some((r) => r.worksStored < r.worksExpected || r.digestsSent < r.digestsExpected);
  const badDuplicates = results.some((r) => (r.duplicatesAllowed ? r.duplicates > 1 : r.duplicates > 0));
  const stuck = results.some((r) => r.stuck > 0);
  const crashed = results.some((r) => r.crashes > 0);
  write(
    `\n${results.length} rounds in ${(elapsedMs / 60_000).toFixed(1)} min. Goals: 0 works lost ${lost ? 'FAILED' : 'ok'}, 0 digests lost ${lost ? 'FAILED' : 'ok'}, 0 stuck ${stuck ? 'FAILED' : 'ok'}, duplicates only where SMTP cannot tell ${badDuplicates ? 'FAILED' : 'ok'}, 0 crashes ${crashed ? 'FAILED' : 'ok'}.\n`,
  );
}

function sum(rs: RoundResult[], key: 'digestsExpected' | 'digestsSent' | 'duplicates' | 'stuck' | 'failedJobs' | 'crashes'): number {
  return rs.reduce((n, r) => n + r[key], 0);
}

function max(rs: RoundResult[]): string {
  return (Math.max(0, ...rs.filter((r) => r.injected).map((r) => r.recoverMs)) / 1000).toFixed(1);
}
