// Test support for the fast reader's differential tests (fuzz and yaml-test-suite): compares the fast path with the
// `yaml` path end to end, and shrinks an input that disagrees to a minimal one.
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import { fastParse } from './fastYaml';
import { parseConfig } from './parse';
import { validateConfigText } from './validate';

/** Describes the first place two node trees differ, or returns undefined when they are the same. */
function treeDifference(fast: unknown, ref: unknown, at: string): string | undefined {
  const kind = (n: unknown) =>
    isMap(n) ? 'map' : isSeq(n) ? 'seq' : isScalar(n) ? 'scalar' : isAlias(n) ? 'alias' : isPair(n) ? 'pair' : typeof n;
  if (kind(fast) !== kind(ref)) return `${at}: a ${kind(fast)} where yaml has a ${kind(ref)}`;
  if (isPair(fast) && isPair(ref)) {
    return treeDifference(fast.key, ref.key, `${at}.key`) ?? treeDifference(fast.value, ref.value, `${at}.value`);
  }
  if (!isMap(fast) && !isSeq(fast) && !isScalar(fast)) return undefined;
  const other = ref as typeof fast;
  // Everything the project reads from a node: its range (all three offsets), its style and its value. Comments are
  // not compared: nothing in TrainLens reads them from the tree (edits work on the text).
  if (!isDeepStrictEqual(fast.range, other.range)) {
    return `${at}: range ${JSON.stringify(fast.range)}, yaml has ${JSON.stringify(other.range)}`;
  }
  if (isScalar(fast) && isScalar(other)) {
    if (!Object.is(fast.value, other.value))
      return `${at}: value ${String(fast.value)}, yaml has ${String(other.value)}`;
    if (fast.type !== other.type) return `${at}: type ${fast.type}, yaml has ${other.type}`;
    return undefined;
  }
  if (!isScalar(fast) && !isScalar(other)) {
    if (Boolean(fast.flow) !== Boolean(other.flow)) return `${at}: flow ${fast.flow}, yaml has ${other.flow}`;
    if (fast.items.length !== other.items.length) {
      return `${at}: ${fast.items.length} items, yaml has ${other.items.length}`;
    }
    for (let i = 0; i < fast.items.length; i++) {
      const difference = treeDifference(fast.items[i], other.items[i], `${at}[${i}]`);
      if (difference) return difference;
    }
  }
  return undefined;
}

const json = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? String(v) : v));

/**
 * How the fast path and the `yaml` path disagree on `text` (data, YAML and validation diagnostics with every range,
 * node tree), or undefined when they agree. A text the fast reader declines agrees by construction: the caller then
 * runs the `yaml` path itself.
 */
export function disagreement(text: string): string | undefined {
  const fast = fastParse(text);
  if (!fast) return undefined;
  const auto = parseConfig(text, { parser: 'auto' });
  const ref = parseConfig(text, { parser: 'yaml' });
  if (!isDeepStrictEqual(auto.data, ref.data)) return `data ${json(auto.data)}, yaml has ${json(ref.data)}`;
  if (!isDeepStrictEqual(auto.diagnostics, ref.diagnostics)) {
    return `parse diagnostics ${json(auto.diagnostics)}, yaml has ${json(ref.diagnostics)}`;
  }
  if (Boolean(auto.source) !== Boolean(ref.source)) return `source ${Boolean(auto.source)}, yaml has ${!auto.source}`;
  if (auto.source && ref.source) {
    const [a, b] = [auto.source.doc.range, ref.source.doc.range];
    if (!isDeepStrictEqual(a, b)) return `document range ${JSON.stringify(a)}, yaml has ${JSON.stringify(b)}`;
    const difference = treeDifference(auto.source.doc.contents, ref.source.doc.contents, 'root');
    if (difference) return difference;
  }
  const validatedAuto = validateConfigText(text, {}, { parser: 'auto' });
  const validatedRef = validateConfigText(text, {}, { parser: 'yaml' });
  if (!isDeepStrictEqual(validatedAuto.diagnostics, validatedRef.diagnostics)) {
    return `diagnostics ${json(validatedAuto.diagnostics)}, yaml has ${json(validatedRef.diagnostics)}`;
  }
  if (!isDeepStrictEqual(validatedAuto.config, validatedRef.config)) return 'typed config differs';
  return undefined;
}

/**
 * A smallest text (greedy, by removing lines, then runs of characters, then single characters) on which the two
 * paths still disagree, so that a failure prints something a person can read and paste into a regression test.
 */
export function shrink(text: string, budget = 2000): string {
  let current = text;
  let tries = 0;
  const fails = (candidate: string) => tries++ < budget && disagreement(candidate) !== undefined;
  for (const unit of ['line', 8, 1] as const) {
    let progress = true;
    while (progress && tries < budget) {
      progress = false;
      const pieces = unit === 'line' ? current.split(/(?<=\n)/) : [...current];
      const size = unit === 'line' ? 1 : unit;
      for (let i = 0; i < pieces.length;) {
        const candidate = [...pieces.slice(0, i), ...pieces.slice(i + size)].join('');
        if (candidate !== current && fails(candidate)) {
          current = candidate;
          pieces.splice(i, size);
          progress = true;
        } else i += size;
      }
    }
  }
  return current;
}
