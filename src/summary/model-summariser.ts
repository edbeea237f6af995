import { z } from 'zod';
import type { CardSummary } from '../card/summarise.ts';
import type { Logger } from '../log.ts';
import type { Article } from '../parse/article.ts';
import { cardTextToPlain } from '../text/card-text-to-plain.ts';
import { parseWellFormedJson, wellFormed } from '../text/well-formed.ts';

export interface SummariserSettings {
  /** An OpenAI-compatible chat completions URL (`…/v1/chat/completions`). */
  url: string;
  model: string;
  apiKey?: string;
  /** The summary is used only if it arrives within this time. */
  timeoutMs: number;
}

const INSTRUCTIONS =
  'You summarise one biomedical paper for clinicians from its title and abstract only. ' +
  'Answer with a JSON object {"tldr": one sentence, "contribution": one or two sentences, "findings": up to three short sentences}. ' +
  'State only what the abstract says; no numbers or claims that are not in it.';

const reply = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1) });
const summary = z.object({
  tldr: z.string().trim().min(1),
  contribution: z.string().trim().min(1).optional(),
  findings: z.array(z.string().trim().min(1)).max(3).default([]),
});

/**
 * A summary from a configured model, or undefined when there is none in time (timeout, error,
 * an answer that is not the JSON asked for): the caller then keeps the extractive summary.
 * Never throws: a summariser is an extra, and a card must not wait or fail for it.
 */
export async function summariseWithModel(settings: SummariserSettings, article: Article, log: Logger): Promise<CardSummary | undefined> {
  const abstract = article.abstract.map((part) => `${part.label ? `${part.label}: ` : ''}${cardTextToPlain(part.text)}`).join('\n');
  if (!abstract.trim()) return undefined;
  try {
    const response = await fetch(settings.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
      body: JSON.stringify({
        model: settings.model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: INSTRUCTIONS },
          { role: 'user', content: `Title: ${cardTextToPlain(article.title)}\n\nAbstract:\n${abstract}` },
        ],
      }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const content = reply.parse(await response.json()).choices[0]!.message.content;
    // A model's text is outside input like NCBI's: made well-formed before it reaches a card or the store.
    const parsed = summary.parse(parseWellFormedJson(wellFormed(content)));
    return { ...parsed, method: 'model', model: settings.model };
  } catch (err) {
    log.warn(
      { event: 'summariser.fallback', err: err instanceof Error ? err.message : String(err), pmid: article.pmid },
      'summariser gave no usable summary in time; the card keeps the extractive one',
    );
    return undefined;
  }
}
