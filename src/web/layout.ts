import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { dropControlCharacters } from '../text/drop-control-characters.ts';
import { html, SafeHtml, type HtmlValue } from './html.ts';

/** The whole visual design, inline: the pages load nothing else (the CSP allows nothing else). */
const STYLESHEET = `
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fff}
main{max-width:40rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;line-height:1.25}
h2{font-size:1.2rem}
a{color:#1d4ed8}
fieldset{border:1px solid #c8c8c8;border-radius:4px;margin:0 0 1.25rem;padding:.75rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label{display:block;margin:.25rem 0}
label>input{margin-right:.5rem}
.field{margin:0 0 1.25rem}
.field>label{font-weight:600}
input[type=email],input[type=text],select{box-sizing:border-box;width:100%;max-width:28rem;padding:.4rem;font:inherit;border:1px solid #767676;border-radius:4px}
button{padding:.5rem 1.25rem;font:inherit;color:#fff;background:#1d4ed8;border:0;border-radius:4px;cursor:pointer}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.hint{margin:.25rem 0;color:#4b4b4b;font-size:.9rem}
.error{margin:.25rem 0;color:#b00020;font-weight:600}
.summary{margin:0 0 1.5rem;padding:.5rem 1rem;border:3px solid #b00020}
.notice{padding:.25rem .75rem;border-left:4px solid #15803d;background:#f0fdf4}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
`;

/** The CSP source that allows exactly this stylesheet, so no 'unsafe-inline' is needed. */
export const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

export interface Page {
  title: string;
  body: SafeHtml;
  /** @defaultValue 200 */
  status?: number;
}

export function sendPage(res: Response, page: Page): void {
  // Escaping leaves control characters a stored record carried; they go here, on the whole page.
  res.status(page.status ?? 200).type('html').send(dropControlCharacters(document(page).markup));
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
</head>
<body>
<main>
${page.body}
</main>
</body>
</html>
`;
}
