/**
 * A small Kineto trace with one very large string member (Chrome's `systemTraceEvents`, `mb` MB of escaped text),
 * written in 1 MiB pieces: the reader must skip it in linear time and bounded memory.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export async function writeBigStringTrace(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(
    '{"traceEvents": [' +
      '{"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 1, "ts": 0, "dur": 100},' +
      '{"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 10, "dur": 50}' +
      '], "systemTraceEvents": "',
  );
  // Escapes included, so a cut must not split one.
  const piece = 'sched_switch: prev=1 next=2\\n \\"x\\" '.repeat(1 << 15).slice(0, 1 << 20);
  for (let i = 0; i < mb; i++) await write(piece);
  await write('", "deviceProperties": [{"id": 0, "name": "GPU"}]}\n');
  out.end();
  await once(out, 'finish');
}
