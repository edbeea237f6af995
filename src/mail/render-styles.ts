import juice from 'juice';

/**
 * Inlines the stylesheet into an HTML template's *source*, once, when the template is loaded:
 * Gmail and Outlook ignore or strip `<style>`, so every rule must end up in `style=""`, and
 * running juice on each of 10,000 digests would cost far more than the send budget allows.
 *
 * Why the Handlebars tags survive: juice swaps every `{{…}}` for a placeholder before it parses
 * the HTML and puts them back after (its default `codeBlocks.HBS`), and it parses with
 * htmlparser2, which keeps a placeholder between `<tr>`s where a browser parser would move it.
 * Two things could still go wrong, and both are checked here rather than trusted:
 * - the parser dropping or moving a placeholder (the second of two same-named attributes is
 *   dropped, say): the Handlebars tags must come out the same, in the same order;
 * - a block that opens an element and closes it in another block (`{{#if}}<p>{{/if}}`): the
 *   parser would close it early. Juice only adds attributes, so the output must have exactly
 *   the tags the source has.
 */
export function inlineStyles(source: string, css: string, file: string): string {
  const inlined = compactStyles(juice.inlineContent(source, css));
  if (!sameList(handlebarsTags(source), handlebarsTags(inlined))) {
    throw new Error(`Inlining CSS changed the Handlebars tags of ${file}: one was dropped or moved (a duplicated attribute?)`);
  }
  if (htmlTagCount(source) !== htmlTagCount(inlined)) {
    throw new Error(`Inlining CSS changed the HTML elements of ${file}: every {{#block}} must open and close the elements it holds`);
  }
  return inlined;
}

/**
 * `style="color: #000; margin: 0;"` as `style="color:#000;margin:0"`: a digest repeats these
 * attributes hundreds of times, and every byte counts against Gmail's clipping limit.
 */
function compactStyles(html: string): string {
  return html.replace(
    / style="([^"]*)"/g,
    (_, style: string) =>
      ` style="${style
        .replace(/\s*([:;,])\s*/g, '$1')
        .replace(/;$/, '')
        .trim()}"`,
  );
}

function handlebarsTags(html: string): string[] {
  return html.match(/\{\{[\s\S]*?\}\}/g) ?? [];
}

/** Start tags, end tags, comments and the doctype: anything the parser would have to add or drop. */
function htmlTagCount(html: string): number {
  return html.match(/<[A-Za-z/!]/g)?.length ?? 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
