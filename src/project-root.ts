import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The project's root folder (package.json, templates/, config/), whether this module runs from
 * the sources (src/project-root.ts) or compiled (dist/src/project-root.js): files that are not
 * compiled are found in one place either way, so editing a template needs no rebuild.
 */
const parent = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const PROJECT_ROOT = path.basename(parent) === 'dist' ? path.dirname(parent) : parent;

/** A folder under the project root as a file URL ending in `/`, to resolve names against. */
export function projectFolderUrl(folder: string): URL {
  return pathToFileURL(`${path.join(PROJECT_ROOT, folder)}/`);
}
