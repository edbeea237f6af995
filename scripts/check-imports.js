// `npm run check:imports` (and the start of `npm test`): the import graph of src/ and jobs/ has
// no cycles and follows the layers the README draws (## Layers). Prints one line per problem,
// `file: problem`, and exits 1 when there is any.
//
// A small scan of the import statements rather than madge or dependency-cruiser: madge parses
// TypeScript through the compiler's JavaScript API, which TypeScript 7 no longer has, and
// dependency-cruiser needs Node 22. The sources follow one style (`import ... from '...'` with
// the file's own extension), so a scan of import statements is exact here; comments are removed
// first so an example in a comment is not taken for an import.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOTS = ['src', 'jobs'];

/**
 * The layers (README ## Layers), top to bottom: the entry points and the wiring that runs jobs,
 * then jobs/, then the pieces under src/, then src/store. A file may import its own layer and
 * the ones below it. src/web/links.ts only builds public URLs (jobs and digests need them), so
 * it is a piece; src/queue's job-module, queue names and queues are what jobs are made of;
 * src/live-config.ts applies an edited config to the running schedulers, so it is wiring.
 */
const LAYERS = [
  {
    name: 'entry points (src/cli, src/web, src/queue wiring)',
    match: (f) => (/^src\/(cli|web|queue)\//.test(f) || f === 'src/live-config.ts') && !PIECES_IN_ENTRY_FOLDERS.has(f),
  },
  { name: 'jobs', match: (f) => f.startsWith('jobs/') },
  { name: 'pieces (src/*)', match: (f) => f.startsWith('src/') && !f.startsWith('src/store/') },
  { name: 'store (src/store)', match: (f) => f.startsWith('src/store/') },
];
const PIECES_IN_ENTRY_FOLDERS = new Set(['src/web/links.ts', 'src/queue/job-module.ts', 'src/queue/queue-names.ts', 'src/queue/queues.ts']);

/**
 * The store may read the pieces' data shapes (`import type`) and run Redis scripts with
 * src/redis, and the few constants it keys data by; any other import of a piece would make the
 * bottom layer depend on the middle.
 */
const STORE_MAY_IMPORT = (target, typeOnly) => typeOnly || target.startsWith('src/redis/') || STORE_SHARED_CONSTANTS.has(target);
/** Pieces whose constants the store keeps data by: the query-warning kinds it counts. */
const STORE_SHARED_CONSTANTS = new Set(['src/poll/query-warnings.ts']);

/** Packages that are a database client: only the store may hold one (README: only the store knows a table or a client). */
const STORE_ONLY_PACKAGES = ['pg', '@electric-sql/pglite'];

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles() {
  const files = [];
  for (const root of ROOTS) {
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts'))
        files.push(
          path
            .join(entry.parentPath ?? entry.path, entry.name)
            .split(path.sep)
            .join('/'),
        );
    }
  }
  return files.sort();
}

/** The source without comments; string contents stay (an import's specifier is one). */
function withoutComments(source) {
  return source.replace(/("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (_whole, string) => string ?? '');
}

/** Every import of `file`: the specifier, whether it is erased (`import type`), whether it is dynamic. */
function importsOf(file) {
  const source = withoutComments(readFileSync(file, 'utf8'));
  const found = [];
  for (const m of source.matchAll(IMPORT)) found.push({ specifier: m[3], typeOnly: Boolean(m[2]), dynamic: false });
  for (const m of source.matchAll(DYNAMIC_IMPORT)) found.push({ specifier: m[1], typeOnly: false, dynamic: true });
  return found;
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const layerOf = (file) => LAYERS.findIndex((layer) => layer.match(file));

const files = sourceFiles();
const known = new Set(files);
const problems = [];
/** Static run-time imports: the edges a cycle can run through (an erased or a dynamic import cannot). */
const graph = new Map(files.map((file) => [file, []]));

for (const file of files) {
  for (const { specifier, typeOnly, dynamic } of importsOf(file)) {
    if (!specifier.startsWith('.')) {
      if (STORE_ONLY_PACKAGES.includes(packageName(specifier)) && !file.startsWith('src/store/')) {
        problems.push(`${file}: imports ${specifier}, a database client: only src/store may`);
      }
      continue;
    }
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    if (!known.has(target)) {
      if (ROOTS.some((root) => target.startsWith(`${root}/`))) problems.push(`${file}: imports ${specifier}, which is not a file`);
      continue;
    }
    const [from, to] = [layerOf(file), layerOf(target)];
    const storeFile = file.startsWith('src/store/');
    const upward = !storeFile && from !== -1 && to !== -1 && to < from;
    const storeReach = storeFile && !target.startsWith('src/store/') && !STORE_MAY_IMPORT(target, typeOnly);
    if (upward) {
      problems.push(`${file}: imports ${target}: ${LAYERS[from].name} may not import ${LAYERS[to].name}`);
    } else if (storeReach) {
      problems.push(`${file}: imports ${target}: the store may import only types from the pieces, and src/redis`);
    }
    if (!typeOnly && !dynamic) graph.get(file).push(target);
  }
}

for (const cycle of cycles(graph)) problems.push(`${cycle[0]}: import cycle: ${cycle.join(' -> ')}`);

if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n${problems.length} import problem(s) in ${ROOTS.join('/, ')}/\n`);
  process.exit(1);
}
console.log(`imports: ${files.length} files in ${ROOTS.join('/, ')}/, no cycles, layers kept`);

/** One cycle per strongly connected component of more than one file (Tarjan), as a path back to its start. */
function cycles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node)) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node), index.get(target)));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    for (let member = stack.pop(); ; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || edges.get(node).includes(node)) found.push(pathWithin(edges, new Set(component), node));
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** A shortest path from `start` back to itself inside one component (breadth first). */
function pathWithin(edges, component, start) {
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const target of edges.get(node)) {
      if (!component.has(target)) continue;
      if (target === start) {
        const route = [start];
        for (let at = node; at !== start; at = previous.get(at)) route.splice(1, 0, at);
        return [...route, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
