import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { dropControlCharacters } from '../text/drop-control-characters.ts';
import { cardInlineToHtml } from './render-inline.ts';
import { inlineStyles } from './render-styles.ts';
import type { RenderedEmail } from './render-types.ts';
import { projectFolderUrl } from '../project-root.ts';

/**
 * The email templates: `templates/<name>/{html,text}.hbs` and the shared partials in
 * `templates/partials/` (`<partial>.html.hbs`, `<partial>.text.hbs`, `styles.css`), found
 * from the project root (src/project-root.ts) so neither the working directory nor running
 * from dist/ matters.
 *
 * Each part has its own Handlebars environment: the HTML one escapes `{{ }}` and knows the
 * `inline` helper (card inline text to HTML); the text one never escapes (it is not HTML) and
 * its partials of the same name are the text versions, so `{{> footer}}` means the right one.
 * Everything is read, styled and compiled once, on first use, and kept for the process.
 */

export type TemplateName = 'card' | 'digest-entry' | 'digest' | 'digest-empty' | 'confirm';
export type Part = 'html' | 'text';

const TEMPLATES_DIR = projectFolderUrl('templates');
const PARTIALS: Readonly<Record<Part, readonly string[]>> = { html: ['layout', 'header', 'footer'], text: ['header', 'footer'] };
/** strict: a misspelt field in a template throws in tests instead of rendering as nothing. */
const COMPILE_OPTIONS: Readonly<Record<Part, CompileOptions>> = { html: { strict: true }, text: { strict: true, noEscape: true } };

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
type Template = Handlebars.TemplateDelegate;
type Environment = typeof Handlebars;

let environments: Record<Part, Environment> | undefined;
const compiled = new Map<string, Template>();

/**
 * Renders one email from its template pair: the same context feeds the HTML and the text part.
 * Control characters a record or a config value carried are dropped from the finished email
 * (escaping leaves them in place), so no field needs to remember it.
 */
export function renderEmail(name: Exclude<TemplateName, 'card' | 'digest-entry'>, subject: string, context: object): RenderedEmail {
  return {
    subject: dropControlCharacters(subject),
    html: dropControlCharacters(template(name, 'html')(context)),
    text: dropControlCharacters(template(name, 'text')(context)),
  };
}

/** The compiled `templates/<name>/<part>.hbs`. */
export function template(name: TemplateName, part: Part): Template {
  const key = `${name}/${part}`;
  let found = compiled.get(key);
  if (!found) {
    found = compile(`${key}.hbs`, part);
    compiled.set(key, found);
  }
  return found;
}

function compile(file: string, part: Part): Template {
  const env = (environments ??= createEnvironments())[part];
  return env.compile(styled(file, part), COMPILE_OPTIONS[part]);
}

function createEnvironments(): Record<Part, Environment> {
  const html = Handlebars.create();
  html.registerHelper('inline', (text: string) => new html.SafeString(cardInlineToHtml(text)));
  const text = Handlebars.create();
  // A heading's underline, as long as the heading: `Bone metastasis` over `===============`
  text.registerHelper('underline', (heading: string, mark: string) => mark.repeat([...heading].length));
  const environments = { html, text };
  for (const part of ['html', 'text'] as const) {
    for (const partial of PARTIALS[part]) {
      const file = `partials/${partial}.${part}.hbs`;
      environments[part].registerPartial(partial, environments[part].compile(styled(file, part), COMPILE_OPTIONS[part]));
    }
  }
  return environments;
}

/** An HTML source with the stylesheet inlined into it; a text source as it is. */
function styled(file: string, part: Part): string {
  const source = readTemplate(file);
  return part === 'html' ? inlineStyles(source, stylesheet(), file) : source;
}

let css: string | undefined;

function stylesheet(): string {
  return (css ??= readTemplate('partials/styles.css'));
}

function readTemplate(file: string): string {
  const path = fileURLToPath(new URL(file, TEMPLATES_DIR));
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read email template ${path}: litwatch needs templates/${file} in the project root (restore it from the repository)`, {
      cause: err,
    });
  }
}
