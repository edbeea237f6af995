import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * The 1-based line a problem at `path` points to in a parsed YAML document:
 * - the value at the path (for a block scalar, the line of its `>-` header);
 * - the key itself when `atKey` is set (an unknown key);
 * - the key when its value is empty (`schedule:` with nothing after it);
 * - the nearest mapping or list that exists when the path goes further than the file
 *   (a required key that is missing points at the mapping that should hold it).
 * Undefined only when the document has no content at all.
 */
export function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[], atKey = false): number | undefined {
  let node: unknown = doc.contents;
  let line = startLine(node, lines);
  for (const [depth, segment] of path.entries()) {
    const step = childOf(node, segment);
    if (step === undefined) break;
    const keyLine = startLine(step.key, lines);
    if (atKey && depth === path.length - 1 && keyLine !== undefined) return keyLine;
    node = step.value;
    line = startLine(node, lines) ?? keyLine ?? line;
  }
  return line;
}

/** The key node (for mappings) and the value node one path segment below `node`. */
function childOf(node: unknown, segment: PropertyKey): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    // toJS() turns every key into a string, so compare as strings.
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair && { key: pair.key, value: pair.value };
  }
  if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
    return { value: node.items[segment] };
  }
  return undefined;
}

function startLine(node: unknown, lines: LineCounter): number | undefined {
  return isNode(node) && node.range ? lines.linePos(node.range[0]).line : undefined;
}
