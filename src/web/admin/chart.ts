import { html, type SafeHtml } from '../html.ts';

export interface DayCount {
  day: string;
  count: number;
}

const BAR_WIDTH = 10;
const GAP = 3;
const HEIGHT = 48;
/** A day with nothing still shows a sliver, so the axis reads as days, not as missing data. */
const EMPTY_BAR = 1;

/**
 * Works found per day as an inline SVG bar chart, drawn on the server: no script, no external
 * image. `role="img"` with a title and a description that says in words what the bars show;
 * each bar has its own title (the browser's tooltip) with the day and the count.
 *
 * @param id unique on the page: the title and description are referenced by id.
 */
export function barChart(days: readonly DayCount[], id: string, title: string): SafeHtml {
  const max = Math.max(1, ...days.map((d) => d.count));
  const width = days.length * (BAR_WIDTH + GAP);
  const bars = days.map((d, i) => {
    const height = d.count === 0 ? EMPTY_BAR : Math.max(2, Math.round((d.count / max) * HEIGHT));
    return html`<rect x="${i * (BAR_WIDTH + GAP)}" y="${HEIGHT - height}" width="${BAR_WIDTH}" height="${height}" fill="${d.count === 0 ? '#c8c8c8' : '#1d4ed8'}"><title>${d.day}: ${d.count}</title></rect>`;
  });
  return html`<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${title}</title>
<desc id="${id}-desc">${describe(days)}</desc>
${bars}
</svg>`;
}

function describe(days: readonly DayCount[]): string {
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  if (!first || !last) return 'No days to show.';
  const total = days.reduce((sum, d) => sum + d.count, 0);
  const busiest = days.reduce((best, d) => (d.count > best.count ? d : best));
  const peak = total > 0 ? ` The most on ${busiest.day}: ${busiest.count}.` : '';
  return `${total} ${total === 1 ? 'work' : 'works'} found from ${first} to ${last}, on ${days.filter((d) => d.count > 0).length} of ${days.length} days.${peak}`;
}
