// Seeded mutations of YAML texts for the fast reader's differential fuzz (see fastYaml.fuzz.test.ts): a tiny PRNG
// and edit operators aimed at the places where the fast reader and the yaml package could read differently.

/** A source of numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a tiny seeded PRNG, so that every run (and every failure) is reproducible from its seed. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [0, n). */
export const int = (random: Random, n: number): number => Math.floor(random() * n);
/** One of `items`. */
export const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;
const at = (random: Random, text: string) => int(random, text.length + 1);
const splice = (text: string, start: number, remove: number, insert = '') =>
  text.slice(0, start) + insert + text.slice(start + remove);

/** The start of a random line and that line's end (before its line break). */
function line(random: Random, text: string): [number, number] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const start = pick(random, starts);
  const end = text.indexOf('\n', start);
  return [start, end < 0 ? text.length : end];
}

/** The offset just after a random `:` (the start of a random line when there is none). */
function afterColon(random: Random, text: string): number {
  const colons: number[] = [];
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) colons.push(i + 1);
  return colons.length > 0 ? pick(random, colons) : line(random, text)[0];
}

/** Replaces the rest of the line after a random `:` with `value`. */
function setValue(random: Random, text: string, value: string): string {
  const colon = afterColon(random, text);
  const end = text.indexOf('\n', colon);
  return splice(text, colon, (end < 0 ? text.length : end) - colon, value);
}

const SPECIAL = ['{', '}', '[', ']', ',', '?', '#', ':', '-', "'", '"', '&', '*', '!', '|', '>', ' ', ' ', '\t', '%'];
const WORDS = ['a', '1', 'x: ', 'k: v', '0x1F', '0o7', '.5', '-3', '1e3', 'True', '~', '.inf', '@', '`', '\\'];
const VALUES = [
  ...['{}', '[]', '{', '[', '{a: 1}', '[a, b]', '[a,#b]', '[#a]', '[? a]', '? a', '[a, ]', '[ a , b ]', '[\'a\', "b"]'],
  ...['&x 1', '*x', '!!str 1', '|', '>-', "'q'", '"q"', "'it''s'", '"a\\n"', '~', 'null', '-', '- a', 'a: b'],
  ...['---', '...', ':x', '?x', 'a #b', 'a#b', "'a'b", '"a" "b"', '1 # c', '[1, 2] # c', 'x]', '}'],
];
const COMMENTS = [' # c', '#', '  #', ' #x', '#x', ' # a: b'];

/** The edit operators: each takes a text and returns a mutant. */
export const OPERATORS: Readonly<Record<string, (random: Random, text: string) => string>> = {
  delete: (r, t) => splice(t, at(r, t), 1 + int(r, 3)),
  insertSpecial: (r, t) => splice(t, at(r, t), 0, pick(r, SPECIAL)),
  insertWord: (r, t) => splice(t, at(r, t), 0, pick(r, WORDS)),
  indent: (r, t) => {
    const [start] = line(r, t);
    if (r() < 0.5) return splice(t, start, 0, ' '.repeat(1 + int(r, 4)));
    return t.slice(0, start) + t.slice(start).replace(/^ {1,2}/, '');
  },
  tab: (r, t) => {
    const [start, end] = line(r, t);
    return splice(t, r() < 0.5 ? start : start + int(r, end - start + 1), 0, '\t');
  },
  quote: (r, t) => {
    const [start, end] = line(r, t);
    const colon = t.indexOf(': ', start);
    const q = pick(r, ["'", '"']);
    if (colon < 0 || colon >= end) return splice(t, start + int(r, end - start + 1), 0, q);
    return splice(splice(t, end, 0, r() < 0.8 ? q : ''), colon + 2, 0, q);
  },
  comment: (r, t) => {
    const [start, end] = line(r, t);
    return splice(t, pick(r, [start, end, end, start + int(r, end - start + 1)]), 0, pick(r, COMMENTS));
  },
  commentLine: (r, t) => {
    const [start] = line(r, t);
    return splice(t, start, 0, `${' '.repeat(int(r, 9))}# ${pick(r, ['c', 'a: b', '- x', ''])}\n`);
  },
  blankLine: (r, t) => splice(t, line(r, t)[0], 0, pick(r, ['\n', '\n\n', '  \n', '    \n', ' \n\n'])),
  anchor: (r, t) => splice(t, afterColon(r, t), 0, pick(r, [' &a', ' *a', ' &a ', ' !t', ' !!str'])),
  value: (r, t) => setValue(r, t, ` ${pick(r, VALUES)}`),
  emptyValue: (r, t) => setValue(r, t, pick(r, ['', '  ', ' # c', '   #x', ' ', '\t', ' #'])),
  flow: (r, t) => splice(t, at(r, t), 0, pick(r, ['{', '}', '[', ']', '[]', '{}', ', ', ',', '[a, ', ']]', ',#'])),
  crlf: (r, t) => (r() < 0.5 ? t.replace(/\n/g, '\r\n') : splice(t, line(r, t)[1], 0, '\r')),
  loneCr: (r, t) => splice(t, at(r, t), 0, '\r'),
  longKey: (r, t) => {
    const [start] = line(r, t);
    const indent = /^ */.exec(t.slice(start))![0].length;
    const key = 'k'.repeat(1018 + int(r, 12));
    return splice(t, start + indent, 0, `${key}${' '.repeat(int(r, 3))}: 1\n${' '.repeat(indent)}`);
  },
  dupLine: (r, t) => {
    const [start, end] = line(r, t);
    return splice(t, end, 0, `\n${t.slice(start, end)}`);
  },
  dropLine: (r, t) => {
    const [start, end] = line(r, t);
    return splice(t, start, end - start + 1);
  },
  trailing: (r, t) => (r() < 0.5 ? t.replace(/\n+$/, '') : t + pick(r, ['\n', '\n\n', '# end', '\n  # end\n', '  '])),
};

const KEYS = ['a', 'b', 'name', 'units', 'rate', 'layers', 'x_1', 'lr.max', 'k-2', 'data'];
const SCALARS = ['1', '-2.5e3', '0x1F', 'true', 'null', '~', 'relu', "'q'", '"d q"', "'it''s'", 'a b', '[1, 2]', '[]'];

/** Blank and comment lines at random depths, the material of yaml's comment-range rules. */
function trivia(r: Random, indent: number): string {
  if (r() < 0.6) return '';
  let out = '';
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const spaces = ' '.repeat(int(r, indent + 5));
    out += pick(r, ['\n', `${spaces}\n`, `${spaces}# c\n`, `${spaces}#\n`, `${spaces}# c\n`]);
  }
  return out;
}

const comment = (r: Random) => (r() < 0.2 ? pick(r, [' # c', '  #c', ' #']) : '');

/** A block mapping at `indent` (its first key written by the caller's `first`, e.g. after a dash). */
function blockMap(r: Random, indent: number, depth: number, first = ' '.repeat(indent)): string {
  const keys = [...KEYS].sort(() => r() - 0.5).slice(0, 1 + int(r, 3));
  return keys
    .map((key, i) => `${i === 0 ? first : ' '.repeat(indent)}${key}:${value(r, indent, depth)}${trivia(r, indent)}`)
    .join('');
}

/** A block sequence at `indent`. */
function blockSeq(r: Random, indent: number, depth: number): string {
  let out = '';
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const dash = `${' '.repeat(indent)}-${pick(r, [' ', ' ', '   '])}`;
    const kind = depth > 0 ? int(r, 3) : 0;
    if (kind === 0) out += `${dash}${pick(r, SCALARS)}${comment(r)}\n`;
    else if (kind === 1) out += blockMap(r, indent + dash.length - indent, depth - 1, dash);
    else out += `${' '.repeat(indent)}-${comment(r)}\n${blockMap(r, indent + 2, depth - 1)}`;
    out += trivia(r, indent);
  }
  return out;
}

/** What follows `key:`: a scalar or flow list on the line, nothing, or a nested block on the lines below. */
function value(r: Random, indent: number, depth: number): string {
  const kind = depth > 0 ? int(r, 5) : int(r, 2);
  if (kind === 0) return ` ${pick(r, SCALARS)}${comment(r)}\n`;
  if (kind === 1) return `${pick(r, ['', ' ', '  '])}${comment(r)}\n`;
  const head = `${comment(r)}\n${trivia(r, indent)}`;
  if (kind === 2) return head + blockMap(r, indent + pick(r, [2, 4]), depth - 1);
  return head + blockSeq(r, indent + pick(r, [0, 2]), depth - 1);
}

/** A random config-like document: nested block mappings and sequences with comments and blank lines everywhere. */
export function randomDocument(r: Random): string {
  const text = `${trivia(r, 0)}${blockMap(r, 0, 1 + int(r, 3))}${r() < 0.3 ? '# end\n' : ''}`;
  const endings = r() < 0.2 ? text.replace(/\n/g, '\r\n') : text;
  return r() < 0.2 ? endings.replace(/\r?\n$/, '') : endings;
}

/** The mutant of `text` for `seed`: one to three operators, chosen and applied with that seed alone. */
export function mutant(text: string, seed: number): { text: string; operators: string[] } {
  const r = prng(seed);
  const names = Object.keys(OPERATORS);
  const operators: string[] = [];
  let out = text;
  for (let k = pick(r, [1, 1, 1, 2, 2, 3]); k > 0; k--) {
    const name = pick(r, names);
    operators.push(name);
    out = OPERATORS[name]!(r, out);
  }
  return { text: out, operators };
}
