import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.ts';
import { applyConfig, followConfigFile } from '../../src/live-config.ts';
import type { Services } from '../../src/services.ts';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { HOSTILE_CONFIGS } from '../helpers/hostile-config.ts';
import { captureLogs, deletePrefix, testPrefix, testServices } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

const EXPECTED: Record<keyof typeof HOSTILE_CONFIGS, RegExp> = {
  'a YAML bomb': /watches\.yaml: YAML aliases: anchors and aliases expand to too much data .*YAML bomb/,
  'a 10 MB file': /watches\.yaml: the file is 10\.\d MB; a config file may be at most 1 MB/,
  'a query of 100,000 characters':
    /watches\.yaml:4: watches\[0\]\.query: 100,000 characters long; a query may have at most 20,000: split it into several watches$/,
  'a name holding CR and LF': /watches\.yaml:3: watches\[0\]\.name: holds a control character \(U\+000D\) at character 5: remove it$/,
  'a name holding a bidi override': /watches\.yaml:3: watches\[0\]\.name: holds a bidirectional text control \(U\+202E\) at character 6, .*: remove it$/,
  'a query holding NUL': /watches\.yaml:4: watches\[0\]\.query: holds a control character \(U\+0000\) at character 5: remove it$/,
  'a schedule of every second':
    /watches\.yaml:5: watches\[0\]\.schedule: "\* \* \* \* \* \*" runs as often as every second; a schedule may run at most every 15 minutes \(PubMed updates once a day.*\)$/,
};

describe('litwatch config check on a hostile config file', () => {
  for (const [name, make] of Object.entries(HOSTILE_CONFIGS)) {
    test(`${name} fails with exit code 1 and one line that says what is wrong`, async () => {
      const dir = configDir(make());
      const result = await runCli(['config', 'check'], cliEnv({ LITWATCH_CONFIG: dir }));
      assert.equal(result.code, 1, result.stderr.slice(0, 2000));
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr.slice(0, 2000));
      assert.match(lines[0]!, EXPECTED[name as keyof typeof HOSTILE_CONFIGS]);
      // The message names the problem; it never echoes the oversized value.
      assert.ok(lines[0]!.length < 400, `${lines[0]!.length} characters`);
      assert.equal(result.stdout, '');
    });
  }
});

describe('a running litwatch given a hostile config edit', () => {
  const prefix = testPrefix('hostile-config');
  const dir = configDir(watchesYaml([{ id: 'bone', query: '"bone metastas*"[tiab]' }]));
  const logs = captureLogs();
  let services: Services;
  let stop: () => void;

  before(async () => {
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: await loadConfig(dir),
      env: { LITWATCH_CONFIG: dir },
      log: logs.log,
    });
    await applyConfig(services, services.config(), true);
    stop = followConfigFile(services, true);
  });

  after(async () => {
    stop();
    await services.close();
    await deletePrefix(prefix);
  });

  for (const [name, make] of Object.entries(HOSTILE_CONFIGS)) {
    test(`${name} is refused with the config check line, and the config and schedulers in force stay`, async () => {
      const before = logs.lines.length;
      writeFileSync(path.join(dir, 'watches.yaml'), make());
      await until(() =>
        logs.lines.slice(before).some((l) => l.event === 'config.rejected' || l.event === 'config.apply_failed' || l.event === 'config.reloaded'),
      );
      const events = logs.lines.slice(before).map((l) => l.event);
      assert.deepEqual(
        events.filter((e) => String(e).startsWith('config.')),
        ['config.rejected'],
      );
      const refusal = String(logs.lines.slice(before).find((l) => l.event === 'config.rejected')?.msg);
      assert.match(refusal.split('\n')[1]!, EXPECTED[name as keyof typeof HOSTILE_CONFIGS]);
      assert.deepEqual(
        services.config().watches.map((w) => w.id),
        ['bone'],
      );
      const schedulers = (await services.queues.poll.getJobSchedulers(0, -1)).map((s) => s.key);
      assert.deepEqual(schedulers, ['poll-bone']);
    });
  }
});
