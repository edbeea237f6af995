/**
 * Text from outside (NCBI, PMC, PubTator, a summariser) made safe to keep: every lone UTF-16
 * surrogate becomes U+FFFD and control characters other than tab and line feed go. PostgreSQL
 * refuses both in jsonb (`\ud800`: "Unicode low surrogate must follow a high surrogate"; `\u0000`:
 * "unsupported Unicode escape sequence"), and a record it refuses must not hold its batch, its
 * poll or its watch's cursor. A surrogate can only appear after decoding (an XML reference
 * `&#xD800;`, a JSON escape `\ud800`): UTF-8 bytes decode to U+FFFD already.
 */
import { dropControlCharacters } from './drop-control-characters.ts';

declare global {
  // ES2024 (Node 20 has both); the project's lib is ES2022.
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

/** The controls dropControlCharacters keeps, less tab and LF: a CR ends a line as XML reads it (XML 1.0 §2.11). */
const CARRIAGE_RETURN = /\r\n?/g;
const UNWANTED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** True when `text` needs nothing from wellFormed (checked first: almost every string does not). */
export function isWellFormedText(text: string): boolean {
  return text.isWellFormed() && !UNWANTED.test(text);
}

/** `text` with lone surrogates as U+FFFD, CR and CRLF as LF, and other control characters (but tab) dropped. */
export function wellFormed(text: string): string {
  if (isWellFormedText(text)) return text;
  return dropControlCharacters(text.toWellFormed().replace(CARRIAGE_RETURN, '\n'));
}

/**
 * JSON.parse for a reply, with every string in it (keys too) made well-formed: a JSON escape
 * (`"\ud800"`, `"\u0000"`) is decoded here, after the reply's text was checked.
 */
export function parseWellFormedJson(text: string): unknown {
  return wellFormedValue(JSON.parse(text) as unknown);
}

/** Strings in a parsed JSON value, made well-formed in place (arrays and plain objects are walked). */
export function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = wellFormedValue(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const before = object[key];
    const inner = wellFormedValue(before);
    const clean = wellFormed(key);
    if (clean === key && inner === before) continue;
    if (clean !== key) delete object[key];
    // Defined, not assigned: JSON.parse makes `__proto__` an own key, and assigning it would set the prototype.
    Object.defineProperty(object, clean, { value: inner, writable: true, enumerable: true, configurable: true });
  }
  return object;
}
