import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

/**
 * litwatch's version from its package.json, found by walking up from this file (the same from
 * src/ under tsx and from a compiled build), read once.
 */
export function litwatchVersion(): string {
  if (version !== undefined) return version;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'litwatch' && pkg.version) return (version = pkg.version);
    } catch {
      // No package.json here: keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (version = '0.0.0');
    dir = parent;
  }
}

/** `litwatch/0.1.0 (+mailto:ops@example.org)`: names the tool, its version and whom NCBI can reach. */
export function userAgent(email: string | undefined): string {
  return `litwatch/${litwatchVersion()}${email ? ` (+mailto:${email})` : ''}`;
}

/** The hosts of the live services; a stand-in or a mirror elsewhere is not NCBI's business. */
const LIVE_HOSTS = /(^|\.)(ncbi\.nlm\.nih\.gov|nih\.gov)$/i;

/**
 * The one warning line `litwatch start` gives when it would talk to live NCBI without a contact
 * address, or undefined when there is nothing to say.
 */
export function missingEmailWarning(env: { NCBI_EUTILS_URL: string; NCBI_EMAIL?: string | undefined }): string | undefined {
  if (env.NCBI_EMAIL || !LIVE_HOSTS.test(new URL(env.NCBI_EUTILS_URL).hostname)) return undefined;
  return 'NCBI_EMAIL is not set: NCBI asks every E-utilities client to send a tool name and a contact email with each request, so it can reach you before blocking your address (https://www.ncbi.nlm.nih.gov/books/NBK25497/, "Usage Guidelines and Requirements"); set NCBI_EMAIL=you@example.org';
}
