import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { dropControlCharacters } from '../text/drop-control-characters.ts';
import { html, SafeHtml, type HtmlValue } from './html.ts';

/**
 * The one stylesheet of every page a reader meets (subscribe, confirm, preferences,
 * unsubscribe, a work's page, a digest's "read all" page), inline: the pages load nothing else
 * (the CSP allows nothing else). Long words (DOIs, URLs, gene names) wrap rather than widen a
 * 390 px phone screen; colours keep 4.5:1 contrast (axe-core checks them in the browser test).
 */
const STYLESHEET = `
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}
main{max-width:42rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.6rem;line-height:1.25}
h2{font-size:1.2rem}
a{color:#1d4ed8}
fieldset{border:1px solid #c8c8c8;border-radius:4px;margin:0 0 1.25rem;padding:.75rem 1rem;min-width:0}
legend{font-weight:600;padding:0 .25rem}
label{display:block;margin:.25rem 0}
label>input{margin-right:.5rem}
.field{margin:0 0 1.25rem}
.field>label{font-weight:600}
input[type=email],input[type=text],select{box-sizing:border-box;width:100%;max-width:28rem;padding:.4rem;font:inherit;border:1px solid #767676;border-radius:4px}
button{padding:.5rem 1.25rem;font:inherit;color:#fff;background:#1d4ed8;border:0;border-radius:4px;cursor:pointer}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.hint{margin:.25rem 0;color:#4b4b4b;font-size:.9rem}
.error{margin:.25rem 0;color:#b00020;font-weight:600}
.summary{margin:0 0 1.5rem;padding:.5rem 1rem;border:3px solid #b00020}
.notice{padding:.25rem .75rem;border-left:4px solid #15803d;background:#f0fdf4}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.meta{color:#4b4b4b;font-size:.95rem;margin:.25rem 0}
.note{color:#4b4b4b}
.links a{margin-right:1rem}
.badge{display:inline-block;padding:0 .5rem;border-radius:3px;background:#b42318;color:#fff;font-weight:600;font-size:.85rem}
.chip{display:inline-block;margin:0 .25rem .25rem 0;padding:0 .5rem;border-radius:1rem;background:#e8eefc;color:#1e3a8a;font-size:.85rem}
.entries{list-style:none;margin:0;padding:0}
.entry{padding:.75rem 0;border-bottom:1px solid #dcdcdc}
.entry-title{font-weight:600;margin:0 0 .25rem}
.entry p{margin:.15rem 0}
.feeds a{margin-right:1rem}
`;

/** The CSP source that allows exactly this stylesheet, so no 'unsafe-inline' is needed. */
export const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

export interface Page {
  title: string;
  body: SafeHtml;
  /** Extra `<head>` elements (a feed's `<link rel="alternate">`). */
  head?: SafeHtml;
  /** @defaultValue 200 */
  status?: number;
}

export function sendPage(res: Response, page: Page): void {
  // Escaping leaves control characters a stored record carried; they go here, on the whole page.
  res
    .status(page.status ?? 200)
    .type('html')
    .send(dropControlCharacters(document(page).markup));
}

/** A page that only says something: a heading and a few paragraphs. */
export function sendMessage(res: Response, status: number, title: string, ...paragraphs: HtmlValue[]): void {
  sendPage(res, { status, title, body: html`<h1>${title}</h1>${paragraphs.map((p) => html`<p>${p}</p>`)}` });
}

function document(page: Page): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · litwatch</title>
<style>${new SafeHtml(STYLESHEET)}</style>
${page.head}
</head>
<body>
<main>
${page.body}
</main>
</body>
</html>
`;
}
