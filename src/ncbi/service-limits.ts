/**
 * The three NCBI services litwatch talks to, each with its own documented limit, counted by NCBI
 * separately; each gets its own shared limiter (create-ncbi-http.ts).
 * - E-utilities: 3 requests/s per address, 10/s with an API key in the request (NBK25497).
 * - PMC ID converter: an NCBI service under the same policy (3/s, 10/s with `api_key`); it asks
 *   for `tool` and `email` (pmc.ncbi.nlm.nih.gov/tools/id-converter-api/).
 * - PubTator3: "no more than three requests per second" whatever the NCBI key; its API page
 *   documents no tool/email/api_key parameters, so it gets only the User-Agent.
 */
export const NCBI_SERVICES = ['eutils', 'idconv', 'pubtator'] as const;

export type NcbiService = (typeof NCBI_SERVICES)[number];

export function serviceRequestsPerSecond(service: NcbiService, apiKey: string | undefined): number {
  if (service === 'pubtator') return 3;
  return apiKey === undefined ? 3 : 10;
}

/** Whether the service takes NCBI's `tool`, `email` and `api_key` parameters. */
export function takesNcbiIdentity(service: NcbiService): boolean {
  return service !== 'pubtator';
}
