import cliProgress from 'cli-progress';

/**
 * Progress of long CLI work, on stderr (stdout stays for results): one bar per stage on a
 * terminal (cli-progress), one plain line per change otherwise (a log file or a CI job should
 * not fill up with redraws). Stages appear in the order they are first reported.
 */
export interface Progress {
  /** `stage` has `done` of `total` (e.g. "batches fetched", 3, 5). */
  update(stage: string, done: number, total: number): void;
  /** A stage with no count yet ("search"). */
  begin(stage: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function lineProgress(stream: NodeJS.WritableStream): Progress {
  const last = new Map<string, string>();
  const write = (stage: string, line: string) => {
    if (last.get(stage) === line) return;
    last.set(stage, line);
    stream.write(`${line}\n`);
  };
  return {
    begin: (stage) => write(stage, `${stage}…`),
    update: (stage, done, total) => write(stage, `${stage} ${done}/${total}`),
    stop: () => undefined,
  };
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: ' {stage} [{bar}] {value}/{total}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const byStage = new Map<string, cliProgress.SingleBar>();
  const bar = (stage: string, total: number) => {
    let found = byStage.get(stage);
    if (!found) {
      found = bars.create(total, 0, { stage: stage.padEnd(18) });
      byStage.set(stage, found);
    }
    return found;
  };
  return {
    begin: (stage) => void bar(stage, 0),
    update: (stage, done, total) => {
      const found = bar(stage, total);
      found.setTotal(total);
      found.update(done, { stage: stage.padEnd(18) });
    },
    stop: () => bars.stop(),
  };
}
