/**
 * Characters a watch's name or query never needs and that do harm where the text goes: a CR or
 * LF in a name ends up in a digest's Subject header (header injection), NUL and other controls
 * in pages, logs and terminals, and the bidirectional controls (Trojan Source, CVE-2021-42574)
 * make the admin page and the CLI show a text other than the one NCBI is sent.
 */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
/** ALM, LRM, RLM, the embeddings and overrides (LRE..RLO) and the isolates (LRI..PDI). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * Why `text` may not be a name or query, or undefined when it may. A query's line feeds and tabs
 * are only spacing (a YAML `|` block keeps them, and NCBI reads them as spaces), so `spacing`
 * lets them through; a name is one line.
 */
export function unsafeCharacterProblem(text: string, options: { spacing: boolean }): string | undefined {
  for (const [index, char] of [...text].entries()) {
    if (options.spacing && (char === '\n' || char === '\t')) continue;
    const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    if (CONTROL.test(char)) return `holds a control character (${code}) at character ${index + 1}: remove it`;
    if (BIDI.test(char)) {
      return `holds a bidirectional text control (${code}) at character ${index + 1}, which makes the text show as something else than it is: remove it`;
    }
  }
  return undefined;
}
