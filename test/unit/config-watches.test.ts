import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CronExpressionParser } from 'cron-parser';
import { ConfigError, formatProblems } from '../../src/config/config-errors.ts';
import { checkConfig, loadConfig } from '../../src/config/load-config.ts';

const FIXTURES = 'test/fixtures/config';

/** The printed problem lines for a fixture folder that must fail. */
async function problemLines(dir: string): Promise<string[]> {
  const result = await checkConfig(dir);
  assert.equal(result.ok, false, `${dir} was accepted`);
  return result.ok ? [] : formatProblems(result.problems).split('\n');
}

describe('the shipped config/watches.yaml', () => {
  test('loads and has the bone-metastasis watch enabled on a valid cron schedule', async () => {
    const config = await loadConfig('config');
    const watch = config.watches.find((candidate) => candidate.id === 'bone-metastasis');
    assert.ok(watch);
    assert.equal(watch.enabled, true);
    assert.match(watch.query, /"Bone Neoplasms\/secondary"\[Mesh\]/);
    assert.doesNotMatch(watch.query, /\n/);
    const next = CronExpressionParser.parse(watch.schedule, { tz: watch.timezone }).next();
    assert.ok(next.getTime() > Date.now());
  });

  test('ships no subscriber and the default polling settings', async () => {
    const config = await loadConfig('config');
    assert.deepEqual(config.subscribers, []);
    assert.deepEqual(config.polling, { initialLookbackDays: 30, overlapDays: 3 });
  });

  test('gives a one-line OK summary for litwatch config check', async () => {
    const result = await checkConfig('config');
    assert.ok(result.ok);
    assert.equal(result.summary, 'config/watches.yaml: OK (1 watch, 0 subscribers)');
  });
});

describe('loadConfig', () => {
  test('fills in the defaults of optional keys', async () => {
    const config = await loadConfig(`${FIXTURES}/minimal`);
    assert.deepEqual(config.polling, { initialLookbackDays: 30, overlapDays: 3 });
    assert.equal(config.watches[0]?.timezone, 'UTC');
    assert.equal(config.watches[0]?.enabled, true);
    assert.equal(config.watches[1]?.enabled, false);
    assert.deepEqual(config.subscribers, [{ email: 'reader@example.org', watches: ['bone-metastasis', 'other'], frequency: 'daily' }]);
  });

  test('returns a config frozen all the way down', async () => {
    const config = await loadConfig(`${FIXTURES}/minimal`);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.watches));
    assert.ok(Object.isFrozen(config.watches[0]));
    assert.ok(Object.isFrozen(config.subscribers[0]?.watches));
    assert.throws(() => {
      (config.watches[0] as { enabled: boolean }).enabled = false;
    }, TypeError);
  });

  test('throws a ConfigError whose message lists every problem', async () => {
    await assert.rejects(loadConfig(`${FIXTURES}/many-problems`), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 18);
      assert.equal(error.message.split('\n').length, 18);
      return true;
    });
  });
});

describe('problems in watches.yaml', () => {
  test('are all reported, in file order, as file:line: field: message', async () => {
    const file = `${FIXTURES}/many-problems/watches.yaml`;
    assert.deepEqual(await problemLines(`${FIXTURES}/many-problems`), [
      `${file}:3: polling.initialLookbackDays: must be at least 1, got 0`,
      `${file}:4: polling.overlapDays: expected a number, got the text "3"`,
      `${file}:6: watches[0].schedule: missing: this key is required`,
      `${file}:9: watches[0].shedule: unknown key (allowed here: id, name, query, schedule, timezone, enabled, sources)`,
      `${file}:10: watches[0].timezone: unknown time zone "Europe/Pariss": use an IANA name such as Europe/Paris, America/New_York or UTC`,
      `${file}:11: watches[0].enabled: expected true or false, got the text "false"; write true or false, without quotes`,
      `${file}:12: watches[1].id: "Bone_Mets" is not a valid id: use lowercase letters, digits and single hyphens, starting with a letter (e.g. bone-metastasis)`,
      `${file}:14: watches[1].query: must not be empty`,
      `${file}:15: watches[1].schedule: not a valid cron expression "0 6 * *": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got 4`,
      `${file}:16: watches[1].enabled: expected true or false, got the text "yes"; write true or false, without quotes`,
      `${file}:17: watches[2].id: duplicate id "bone-metastasis", already used by watches[0]; each must be unique`,
      `${file}:20: watches[2].schedule: not a valid cron expression "61 6 * * *": Constraint error, got value 61 expected range 0-59`,
      `${file}:22: subscribers[0].email: not a valid email address: the text "not-an-address"`,
      `${file}:23: subscribers[0].watches[1]: no watch has the id "bone-mets" (known ids: bone-metastasis, Bone_Mets)`,
      `${file}:24: subscribers[0].frequency: expected one of daily, weekly, got the text "monthly"`,
      `${file}:26: subscribers[1].watches: must list at least 1 item`,
      `${file}:27: subscribers[2].email: duplicate email "reader@example.org" (same as "Reader@Example.org", ignoring case), already used by subscribers[1]; each must be unique`,
      `${file}:29: notifications: unknown key (allowed here: polling, enrichment, digest, mail, health, retention, watches, subscribers)`,
    ]);
  });

  test('point at the key for an empty value and at the enclosing mapping for a missing key', async () => {
    const file = `${FIXTURES}/missing-keys/watches.yaml`;
    assert.deepEqual(await problemLines(`${FIXTURES}/missing-keys`), [
      `${file}:3: watches[0].name: missing: this key is required`,
      `${file}:4: watches[0].schedule: expected text, got nothing (an empty value)`,
      `${file}:8: watches[0].timezone: expected text, got nothing (an empty value)`,
      `${file}:10: subscribers[0].email: missing: this key is required`,
    ]);
  });

  test('include every YAML syntax error with its line, and nothing else', async () => {
    const file = `${FIXTURES}/syntax-error/watches.yaml`;
    assert.deepEqual(await problemLines(`${FIXTURES}/syntax-error`), [
      `${file}:6: YAML syntax: Map keys must be unique`,
      `${file}:9: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  test('for an empty file say what it needs', async () => {
    assert.deepEqual(await problemLines(`${FIXTURES}/empty`), [
      `${FIXTURES}/empty/watches.yaml: the file is empty; it needs at least a "watches:" list (the litwatch sources ship a commented config/watches.yaml to start from)`,
    ]);
  });

  test('for a missing file give its path and how to point LITWATCH_CONFIG elsewhere', async () => {
    assert.deepEqual(await problemLines(`${FIXTURES}/does-not-exist`), [
      `${FIXTURES}/does-not-exist/watches.yaml: file not found; create it (the litwatch sources ship a commented config/watches.yaml) or set LITWATCH_CONFIG to the folder that holds watches.yaml`,
    ]);
  });
});
