/**
 * What the overview says about how the trace was read: "CPU only" for a trace without device activity (its device
 * categories are left out of the breakdown), and "How this trace was read": what reading it under the Trace Event
 * Format's rules left out or converted, with counts, and its notes (the file's form, its time unit).
 */
import { CPU_ONLY_NOTE, type AnalysisReport, type IngestReport } from '../../src/protocol/analysis';
import { el } from '../shared/dom';

/** The reasons an event is left out, as the note names them. */
const SKIPPED: Readonly<Record<string, string>> = {
  'unknown-phase': 'an unknown phase (ph)',
  'unmatched-end': 'an E without its B',
  'unclosed-begin': 'a B never ended',
  'cut-event': 'cut off at the end of the file',
  'bad-time': 'a time that is not a finite number',
};

/** The values converted, as the note names them. */
const CONVERTED: Readonly<Record<string, string>> = {
  'string-ts': 'ts given as a string',
  'string-dur': 'dur given as a string',
};

/** The overview's notes on how the trace was read; empty when there is nothing to say. */
export function readNotes(report: AnalysisReport): HTMLElement[] {
  const notes: HTMLElement[] = [];
  if (report.cpuOnly) {
    const cpu = el('p', 'note muted', `${CPU_ONLY_NOTE}: kernel, memcpy, memset and runtime are left out.`);
    cpu.id = 'cpu-only';
    notes.push(cpu);
  }
  if (report.ingest) notes.push(ingestNote(report.ingest));
  return notes;
}

/** "How this trace was read": the counts of what was left out and converted, then each note. */
function ingestNote(ingest: IngestReport): HTMLElement {
  const section = el('section', 'ingest-note');
  section.id = 'ingest-note';
  section.setAttribute('aria-label', 'How this trace was read');
  section.append(el('h2', undefined, 'How this trace was read'));
  const counts = el('ul', 'ingest-counts');
  const row = (kind: 'skipped' | 'converted', key: string, count: number, label: string) => {
    const li = el(
      'li',
      undefined,
      `${kind === 'skipped' ? 'Left out' : 'Converted'}: ${count.toLocaleString('en-US')} × ${label}`,
    );
    li.dataset['kind'] = kind;
    li.dataset['reason'] = key;
    li.dataset['value'] = String(count);
    counts.append(li);
  };
  for (const [key, count] of Object.entries(ingest.skipped))
    if (count > 0) row('skipped', key, count, SKIPPED[key] ?? key);
  for (const [key, count] of Object.entries(ingest.converted))
    if (count > 0) row('converted', key, count, CONVERTED[key] ?? key);
  if (counts.childElementCount > 0) section.append(counts);
  const list = el('ul', 'ingest-notes muted');
  for (const note of ingest.notes) list.append(el('li', undefined, `${note}.`));
  if (list.childElementCount > 0) section.append(list);
  return section;
}
