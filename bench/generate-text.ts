/**
 * Titles and structured abstracts for the benchmark generator, as XML text. They carry what
 * makes real abstracts costly to read: inline `<i>`/`<sup>` elements, escaped comparisons
 * (`P&lt;0.001`, the trap NCBI.md names), numbers in parentheses and semicolons, and a few
 * hundred words over four labelled parts, so the summariser has real sentences to choose from.
 */
import type { Rng } from './prng.ts';
import * as V from './vocabulary.ts';

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function filler(rng: Rng, min: number, max: number): string {
  const words = Array.from({ length: rng.int(min, max) }, () => rng.pick(V.FILLER));
  return `${capitalise(words.join(' '))}.`;
}

const ci = (rng: Rng, value: number) => {
  const spread = value * (0.1 + rng.next() * 0.2);
  return `95% CI, ${(value - spread).toFixed(2)}-${(value + spread).toFixed(2)}`;
};

const pValue = (rng: Rng) => (rng.chance(0.5) ? 'P&lt;0.001' : `P=0.0${rng.int(1, 4)}`);

export function titleXml(rng: Rng): string {
  const subject = rng.pick(V.SUBJECTS);
  const population = rng.pick(V.POPULATIONS);
  return rng.chance(0.5)
    ? `${capitalise(subject)} and ${rng.pick(V.OUTCOMES)} in ${population}: ${rng.pick(V.DESIGNS)}.`
    : `Effect of ${subject} on ${rng.pick(V.OUTCOMES)} in patients with ${population}.`;
}

function results(rng: Rng, subject: string, outcome: string): string[] {
  const hr = 0.5 + rng.next() * 0.4;
  const treated = (10 + rng.next() * 20).toFixed(1);
  const control = (Number(treated) * (0.6 + rng.next() * 0.3)).toFixed(1);
  const n = rng.int(120, 2400);
  const effect = `(hazard ratio [HR], ${hr.toFixed(2)}; ${ci(rng, hr)}; ${pValue(rng)})`;
  return [
    `Of ${n} patients randomly assigned, ${Math.round(n * 0.52)} received ${subject} and ${Math.round(n * 0.48)} the comparator.`,
    `Median ${outcome} was ${treated} months with ${subject} versus ${control} months with the comparator ${effect}.`,
    `The effect was consistent in patients with more than ${rng.int(3, 10)} bone lesions (HR, ${(hr + 0.05).toFixed(2)}; ${pValue(rng)})` +
      ' and in those with <i>de novo</i> metastatic disease.',
    `Grade ≥3 adverse events occurred in ${rng.int(10, 40)}% and ${rng.int(10, 40)}% of patients, respectively;` +
      ` serum calcium fell below 2.0 mmol/L<sup>-1</sup> in ${rng.int(1, 9)}%.`,
    filler(rng, 10, 22),
  ];
}

/** The four `AbstractText` lines of a structured abstract, indented to `depth`. */
export function abstractXml(rng: Rng, depth: number): string[] {
  const subject = rng.pick(V.SUBJECTS);
  const population = rng.pick(V.POPULATIONS);
  const outcome = rng.pick(V.OUTCOMES);
  const parts: [string, string[]][] = [
    [
      'BACKGROUND',
      [
        `Skeletal complications remain a leading cause of morbidity in ${population}, and the role of ${subject} is uncertain.`,
        filler(rng, 12, 24),
        `We aimed to assess whether ${subject} improves ${outcome}.`,
      ],
    ],
    [
      'METHODS',
      [
        `We conducted ${rng.pick(V.DESIGNS)} at ${rng.int(4, 120)} centres in ${rng.int(2, 20)} countries.`,
        filler(rng, 14, 28),
        `The primary endpoint was ${outcome}; secondary endpoints included ${rng.pick(V.OUTCOMES)} and ${rng.pick(V.OUTCOMES)}.`,
        filler(rng, 10, 24),
      ],
    ],
    ['RESULTS', results(rng, subject, outcome)],
    [
      'CONCLUSIONS',
      [
        `In patients with ${population}, ${subject} significantly improved ${outcome} compared with standard care.`,
        `These findings support ${subject} as a treatment option, although ${rng.pick(V.OUTCOMES)} did not differ (${pValue(rng)}).`,
      ],
    ],
  ];
  const pad = '  '.repeat(depth);
  return parts.map(([label, sentences]) => `${pad}<AbstractText Label="${label}" NlmCategory="${label}">${sentences.join(' ')}</AbstractText>`);
}
