/** Where a JSON string that is too long can be cut so that what is kept still parses. */

const BACKSLASH = 0x5c;
const LETTER_U = 0x75;

/** Whether the backslash at `at` starts an escape (an odd run of backslashes ends there). */
function startsEscape(text: string, from: number, at: number): boolean {
  let run = 0;
  for (let i = at; i >= from && text.charCodeAt(i) === BACKSLASH; i--) run++;
  return run % 2 === 1;
}

/**
 * Where to cut the string whose characters start at `from` so that at most `end - from` are kept and the kept
 * part is still valid string content: never inside an escape (`\`, `\uXXXX`), never after a backslash (which would
 * join the backslashes that follow the cut), never between the halves of a surrogate pair.
 */
export function cutPoint(text: string, from: number, end: number): number {
  for (let q = Math.max(from, end - 5); q < end; q++) {
    // The first escape that the limit cuts short (an earlier, complete one does not end the search).
    if (text.charCodeAt(q) === BACKSLASH && startsEscape(text, from, q)) {
      if (text.charCodeAt(q + 1) === LETTER_U ? q + 6 > end : q + 2 > end) {
        end = q;
        break;
      }
    }
  }
  while (end > from && text.charCodeAt(end - 1) === BACKSLASH) end--;
  const last = text.charCodeAt(end - 1);
  if (end > from && last >= 0xd800 && last <= 0xdbff) end--;
  return end;
}
