/**
 * Record text goes into Markdown and HTML as written, except a `<` that a renderer would read
 * as the start of a tag (`<` then a letter, `/`, `!` or `?`): that one becomes `&lt;`.
 * "P<0.001" and "<5 mm" stay as they are; "<script>" can never become markup (CARD.md, title).
 */
export function escapeTagOpeners(text: string): string {
  return text.replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}
