import { watchesYaml } from './cli.ts';

/**
 * Config files an attacker (or an accident) could save: a YAML bomb whose anchors expand to
 * 9^12 strings, a 10 MB file of valid watches, a watch whose query is 100,000 characters, names
 * and queries holding control or bidirectional characters, and a schedule of every second.
 */
export const HOSTILE_CONFIGS = {
  'a YAML bomb': () => {
    const levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 11; i++)
      levels.push(
        `a${i}: &a${i} [${Array<string>(9)
          .fill(`*a${i - 1}`)
          .join(',')}]`,
      );
    // The bomb sits under a key the schema does not know: it must be refused before any check reads it.
    return `${watchesYaml([{ id: 'bomb', query: 'x' }])}bomb:\n  ${levels.join('\n  ')}\n`;
  },
  'a 10 MB file': () => {
    const watch = (i: number) => ({ id: `w${i}`, query: `"term ${i}"[tiab] ${'OR other[tiab] '.repeat(8)}` });
    const one = watchesYaml([watch(0)]).length;
    return watchesYaml(Array.from({ length: Math.ceil((10 * 1024 * 1024) / (one - 'watches:\n'.length)) }, (_, i) => watch(i)));
  },
  'a query of 100,000 characters': () => watchesYaml([{ id: 'long', query: `${'bone OR '.repeat(12_500).slice(0, 99_999)}x` }]),
  // YAML's double-quoted escapes put the characters themselves into the parsed text.
  'a name holding CR and LF': () => oneWatch({ name: String.raw`"Bone\r\nBcc: someone@example.org"` }),
  'a name holding a bidi override': () => oneWatch({ name: String.raw`"Bone \u202Esisatsatem"` }),
  'a query holding NUL': () => oneWatch({ query: String.raw`"bone\0 metastasis"` }),
  'a schedule of every second': () => oneWatch({ schedule: '"* * * * * *"' }),
} as const;

/** watches.yaml with one watch: line 3 is its name, 4 its query, 5 its schedule. */
function oneWatch(fields: { name?: string; query?: string; schedule?: string }): string {
  const { name = 'Bone', query = '"bone metastasis"', schedule = '"0 6 * * *"' } = fields;
  return `watches:\n  - id: bone\n    name: ${name}\n    query: ${query}\n    schedule: ${schedule}\n    sources: [pubmed]\n`;
}
