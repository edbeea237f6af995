import type * as z from 'zod';
import type { PathIssue } from './config-references.ts';

/**
 * Zod issues reworded for the person editing a YAML file ("expected true or false, got the
 * text "yes"" rather than "Invalid input: expected boolean, received string"). Passed to
 * `safeParse` so it only applies to the config file; returning undefined keeps zod's text.
 */
export const readableMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'missing: this key is required';
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describe(issue.input)}${quotesHint(issue)}`;
    case 'too_small':
      return tooSmall(issue.origin, Number(issue.minimum), issue.input);
    case 'invalid_value':
      return `expected one of ${issue.values.join(', ')}, got ${describe(issue.input)}`;
    case 'invalid_format':
      return issue.format === 'email' ? `not a valid email address: ${describe(issue.input)}` : undefined;
    default:
      return undefined;
  }
};

/** One issue per offending key, so each unknown key is reported on its own line. */
export function toPathIssues(issue: z.core.$ZodIssue): PathIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: issue.message, atKey: true }));
  }
  return [{ path: issue.path, message: issue.message }];
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

function describe(value: unknown): string {
  if (value === null) return 'nothing (an empty value)';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** `enabled: "false"` or `enabled: yes` are text in YAML 1.2, not booleans. */
function quotesHint(issue: { expected: string; input?: unknown }): string {
  return issue.expected === 'boolean' && typeof issue.input === 'string' ? '; write true or false, without quotes' : '';
}

function tooSmall(origin: string, minimum: number, input: unknown): string {
  if (origin === 'string' && minimum === 1) return 'must not be empty';
  if (origin === 'array') return `must list at least ${minimum} item${minimum === 1 ? '' : 's'}`;
  return `must be at least ${minimum}, got ${describe(input)}`;
}
