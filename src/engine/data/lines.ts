import { createReadStream } from 'node:fs';

/**
 * The lines of a UTF-8 text file, streamed (a final `\r` dropped, as `\r\n` ends a line too). Unlike readline, a
 * line is never held past `maxChars`: a file without line breaks (a binary named as data.path) costs at most that
 * much memory before `tooLong(lineNumber)` is thrown.
 */
export async function* boundedLines(
  path: string,
  maxChars: number,
  tooLong: (line: number) => Error,
): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  // The start of a line that continues in the next chunk, in pieces (joined once, when its end arrives).
  const pending: string[] = [];
  let pendingChars = 0;
  let line = 0;
  const take = (piece: string): string => {
    if (pendingChars + piece.length > maxChars) throw tooLong(line + 1);
    let text = piece;
    if (pending.length > 0) {
      pending.push(piece);
      text = pending.join('');
      pending.length = 0;
      pendingChars = 0;
    }
    line++;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0;
      for (let end = chunk.indexOf('\n'); end >= 0; end = chunk.indexOf('\n', start)) {
        yield take(chunk.slice(start, end));
        start = end + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.slice(start);
        if (pendingChars + rest.length > maxChars) throw tooLong(line + 1);
        pending.push(rest);
        pendingChars += rest.length;
      }
    }
    if (pending.length > 0) yield take('');
  } finally {
    stream.destroy();
  }
}
