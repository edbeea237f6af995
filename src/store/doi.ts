/**
 * DOI normalisation for the dedupe key. DOIs are case-insensitive (DOI Handbook 2.4), and the
 * same DOI reaches us as `10.1/X`, `doi:10.1/x`, `https://doi.org/10.1%2Fx` or `10.1/x.` copied
 * from the end of a sentence; all of them must land on one record. Display keeps the DOI as the
 * record wrote it; only the key is normalised.
 */

const PREFIXES = [/^https?:\/\/(?:dx\.)?doi\.org\//i, /^(?:dx\.)?doi\.org\//i, /^doi:\s*/i, /^urn:doi:/i];

/** A DOI is `10.<registrant>/<suffix>`; anything else cannot key a work. */
const DOI_SHAPE = /^10\.\d{4,9}(?:\.\d+)*\/\S+$/;

function stripPrefixes(value: string): string {
  let out = value;
  for (const prefix of PREFIXES) out = out.replace(prefix, '');
  return out;
}

function urlDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a bare '%' in a suffix is legal in a DOI; keep it
  }
}

/** The normalised DOI, or undefined when the input is not a DOI at all. */
export function normaliseDoi(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  let doi = urlDecode(stripPrefixes(raw.trim())).trim();
  doi = doi.replace(/\.+$/, '').toLowerCase();
  return DOI_SHAPE.test(doi) ? doi : undefined;
}

/**
 * A work's key: its normalised DOI, else `pmid:<PMID>`, else `pmcid:<PMCID>` for a PMC article
 * PubMed does not list (the rule the store's upsert applies).
 */
export function workKeyFor(ids: { doi?: string; pmid?: string; pmcid?: string }): string {
  const doi = normaliseDoi(ids.doi);
  if (doi) return doi;
  if (ids.pmid) return `pmid:${ids.pmid}`;
  if (ids.pmcid) return `pmcid:${ids.pmcid}`;
  throw new Error('a work needs a DOI, a PMID or a PMCID');
}
