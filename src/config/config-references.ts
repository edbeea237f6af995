/**
 * Checks across entries of `watches.yaml`: unique watch ids, unique subscriber emails,
 * subscribers naming watches that exist. They read the raw YAML data rather than the
 * schema's output so they still run when some entry has its own problems: the person
 * editing the file gets every problem in one go.
 */

/** A problem located by its path in the YAML data, before it gets a line number. */
export interface PathIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Point at the key itself rather than its value (for keys that should not be there). */
  readonly atKey?: boolean;
}

type Entry = { readonly index: number; readonly fields: Readonly<Record<string, unknown>> };

export function referenceIssues(data: unknown): PathIssue[] {
  const watches = entries(data, 'watches');
  const subscribers = entries(data, 'subscribers');
  return [
    ...duplicates(watches, 'watches', 'id', (id) => id),
    ...duplicates(subscribers, 'subscribers', 'email', (email) => email.toLowerCase()),
    ...unknownWatchIds(subscribers, new Set(strings(watches, 'id'))),
  ];
}

function entries(data: unknown, list: string): Entry[] {
  const items = isRecord(data) ? data[list] : undefined;
  if (!Array.isArray(items)) return [];
  return items.flatMap((fields: unknown, index) => (isRecord(fields) ? [{ index, fields }] : []));
}

/** Reports each repeat of a value at the repeat, naming the entry that had it first. */
function duplicates(list: Entry[], listName: string, field: string, normalize: (value: string) => string): PathIssue[] {
  const firsts = new Map<string, { index: number; value: string }>();
  const issues: PathIssue[] = [];
  for (const { index, fields } of list) {
    const value = fields[field];
    if (typeof value !== 'string') continue;
    const first = firsts.get(normalize(value));
    if (first === undefined) {
      firsts.set(normalize(value), { index, value });
      continue;
    }
    const sameAs = first.value === value ? '' : ` (same as ${JSON.stringify(first.value)}, ignoring case)`;
    const message = `duplicate ${field} ${JSON.stringify(value)}${sameAs}, already used by ${listName}[${first.index}]; each must be unique`;
    issues.push({ path: [listName, index, field], message });
  }
  return issues;
}

function unknownWatchIds(subscribers: Entry[], known: ReadonlySet<string>): PathIssue[] {
  const knownList = known.size > 0 ? [...known].join(', ') : 'none';
  return subscribers.flatMap(({ index, fields }) => {
    const ids = Array.isArray(fields.watches) ? fields.watches : [];
    return ids.flatMap((id: unknown, position) =>
      typeof id === 'string' && !known.has(id)
        ? [{ path: ['subscribers', index, 'watches', position], message: `no watch has the id ${JSON.stringify(id)} (known ids: ${knownList})` }]
        : [],
    );
  });
}

function strings(list: Entry[], field: string): string[] {
  return list.flatMap(({ fields }) => (typeof fields[field] === 'string' ? [fields[field]] : []));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
