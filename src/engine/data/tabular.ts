import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { suggest } from '../../config/didYouMean';
import { checkRegularFile, FileRuleError } from '../../files/safeFiles';
import type { InMemoryDataset } from './dataset';
import { boundedLines } from './lines';
import { maxOf } from '../../common/stats';

/** The longest row (CSV record or JSON line) read: a file without line breaks is not held whole. */
export const MAX_ROW_CHARS = 8 * 1024 * 1024;
/** The most characters of the data file any message quotes. */
const EXCERPT_CHARS = 60;

/**
 * A short, quoted excerpt of text from the data file, for messages and run.json: at most {@link EXCERPT_CHARS}
 * characters, control characters escaped, never a whole line of whatever file data.path names.
 */
export function excerpt(text: string): string {
  const cut = text.length > EXCERPT_CHARS;
  return `${JSON.stringify(cut ? text.slice(0, EXCERPT_CHARS) : text)}${cut ? '…' : ''}`;
}

/** The header's columns, for a message: an excerpt, and only when the file looks like the format (≥ 2 columns). */
function columnsNote(columns: readonly string[], format: TabularSpec['format']): string {
  if (format === 'csv' && columns.length < 2)
    return 'its first line has no "," between column names, so it is not a CSV header: is data.path a CSV file?';
  return `columns: ${excerpt(columns.join(', '))}`;
}

/** A JSON.parse message without the text V8 quotes from the line (`…, "root:x:0:0"... is not valid JSON`). */
function jsonProblem(error: unknown): string {
  return (error as Error).message
    .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
    .replace(/ in JSON at position \d+(?: \(line \d+ column (\d+)\))?$/, (_, column?: string) =>
      column ? ` at column ${column}` : '',
    );
}

/** How to turn rows into samples. */
export interface TabularSpec {
  readonly path: string;
  readonly format: 'csv' | 'jsonl';
  readonly labelColumn: string;
  /** Feature columns; every column but the label when omitted. */
  readonly featureColumns?: readonly string[];
  readonly task: 'classification' | 'regression';
  /** Number of model outputs: classes (classification) or targets (regression, then 1). */
  readonly outputs: number;
}

/** A data problem with the file and the 1-based line where it is. */
export class DataError extends Error {
  constructor(
    /** What is wrong and how to fix it, without the place. */
    readonly detail: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line !== undefined ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
  }
}

/** Rows with their 1-based line numbers, streamed from the file (never read whole into one string). */
async function* rows(spec: TabularSpec): AsyncGenerator<{ row: Record<string, unknown>; line: number }> {
  try {
    // Before anything opens it: a FIFO would block the open, a device would be read forever.
    checkRegularFile(spec.path, 'data.path');
  } catch (error) {
    if (!(error instanceof FileRuleError)) throw error;
    throw new DataError(error.code === 'missing' ? 'the data file does not exist' : error.reason, spec.path);
  }
  if (spec.format === 'csv') {
    const parser = createReadStream(spec.path).pipe(
      parse({
        columns: true,
        info: true,
        bom: true,
        trim: true,
        skip_empty_lines: true,
        max_record_size: MAX_ROW_CHARS,
      }),
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number };
      }>) {
        yield { row: record, line: info.lines };
      }
    } catch (error) {
      const e = error as Error & { code?: string; lines?: number };
      if (e.code === 'ENOENT') throw new DataError('the data file does not exist', spec.path);
      if (e.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
        throw new DataError(
          `this row has a different number of cells than the header (${e.message.replace(/ on line \d+$/, '')}). Fix the row or quote cells that contain commas.`,
          spec.path,
          e.lines,
        );
      }
      if (e.code === 'CSV_MAX_RECORD_SIZE')
        throw new DataError(
          `a row is longer than ${MAX_ROW_CHARS} characters: is data.path a CSV file?`,
          spec.path,
          e.lines,
        );
      // csv-parse quotes the field it stopped in ("value is …"): an excerpt of it at most.
      const message = e.message.replace(/, value is ("[\s\S]*")$/, (_, value: string) => {
        const text = value.slice(1, -1);
        return `, value starts ${excerpt(text)}`;
      });
      throw new DataError(`the CSV cannot be read: ${message}`, spec.path, e.lines);
    }
    return;
  }
  const lines = boundedLines(
    spec.path,
    MAX_ROW_CHARS,
    (at) =>
      new DataError(
        `the line is longer than ${MAX_ROW_CHARS} characters: is data.path a JSON Lines file?`,
        spec.path,
        at,
      ),
  );
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (!text.trim()) continue;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch (error) {
        throw new DataError(
          `not a JSON object: ${jsonProblem(error)}${line === 1 ? '; is data.path a JSON Lines file (one JSON object per line)?' : ''}`,
          spec.path,
          line,
        );
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row))
        throw new DataError('each line must be a JSON object of fields', spec.path, line);
      yield { row: row as Record<string, unknown>, line };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DataError('the data file does not exist', spec.path);
    throw error;
  }
}

/**
 * Reads a CSV (with a header row) or JSON Lines file into memory: numeric features from the chosen columns, and the
 * label column as classes (integers, or strings mapped to indices in sorted order) or regression targets. Every
 * problem names the file and line: ragged rows, non-numeric cells, a missing label column, more classes than
 * outputs.
 */
export async function readTabular(
  spec: TabularSpec,
): Promise<InMemoryDataset & { readonly classes?: readonly string[] }> {
  let columns: string[] | undefined;
  const features: number[] = [];
  const labels: string[] = [];
  const labelLines: number[] = [];
  for await (const { row, line } of rows(spec)) {
    if (!columns) {
      const present = Object.keys(row);
      if (!present.includes(spec.labelColumn)) {
        const close = suggest(spec.labelColumn, present);
        const csvLike = spec.format !== 'csv' || present.length >= 2;
        throw new DataError(
          `data.label_column "${spec.labelColumn}" is not a column (${columnsNote(present, spec.format)}).${close.length && csvLike ? ` Did you mean ${excerpt(close[0]!)}?` : ''}`,
          spec.path,
          line,
        );
      }
      columns = spec.featureColumns ? [...spec.featureColumns] : present.filter((c) => c !== spec.labelColumn);
      const missing = columns.filter((c) => !present.includes(c));
      if (missing.length)
        throw new DataError(
          `data.feature_columns names ${missing.map((m) => `"${m}"`).join(', ')}, not in the data (${columnsNote(present, spec.format)})`,
          spec.path,
          line,
        );
    }
    for (const column of columns) {
      const raw = row[column];
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value))
        throw new DataError(
          `column ${excerpt(column)} holds ${typeof raw === 'string' ? excerpt(raw) : excerpt(JSON.stringify(raw ?? null))}, not a number`,
          spec.path,
          line,
        );
      features.push(value);
    }
    const label = row[spec.labelColumn];
    if (label === undefined || label === null || label === '')
      throw new DataError(`the label column "${spec.labelColumn}" is empty`, spec.path, line);
    labels.push(typeof label === 'string' ? label : JSON.stringify(label));
    labelLines.push(line);
  }
  if (!columns || labels.length === 0) throw new DataError('the data file has no rows', spec.path);
  const size = labels.length;
  if (spec.task === 'regression') {
    const targets = new Float32Array(size);
    labels.forEach((label, i) => {
      const value = Number(label);
      if (!Number.isFinite(value))
        throw new DataError(`the label ${excerpt(label)} is not a number (task: regression)`, spec.path, labelLines[i]);
      targets[i] = value;
    });
    return { inputShape: [columns.length], targetWidth: 1, features: Float32Array.from(features), targets, size };
  }
  const numeric = labels.every((l) => /^\d+$/.test(l));
  const classes = numeric ? [...new Set(labels)].sort((a, b) => Number(a) - Number(b)) : [...new Set(labels)].sort();
  const classCount = numeric ? maxOf(labels.map(Number)) + 1 : classes.length;
  if (classCount > spec.outputs) {
    throw new DataError(
      `the labels have ${classCount} classes but model.outputs is ${spec.outputs}; set model.outputs: ${classCount}`,
      spec.path,
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const targets = new Float32Array(size * spec.outputs);
  labels.forEach((label, i) => (targets[i * spec.outputs + (numeric ? Number(label) : index.get(label)!)] = 1));
  return {
    inputShape: [columns.length],
    targetWidth: spec.outputs,
    features: Float32Array.from(features),
    targets,
    size,
    ...(numeric ? {} : { classes }),
  };
}

/** Standardizes each feature column with the mean and deviation of `fit` (the training split), in place. */
export function standardize(fit: InMemoryDataset, ...apply: InMemoryDataset[]): void {
  const width = fit.features.length / fit.size;
  for (let c = 0; c < width; c++) {
    let sum = 0;
    let sq = 0;
    for (let r = 0; r < fit.size; r++) sum += fit.features[r * width + c]!;
    const mean = sum / fit.size;
    for (let r = 0; r < fit.size; r++) sq += (fit.features[r * width + c]! - mean) ** 2;
    const std = Math.sqrt(sq / fit.size) || 1;
    for (const data of [fit, ...apply]) {
      for (let r = 0; r < data.size; r++) data.features[r * width + c] = (data.features[r * width + c]! - mean) / std;
    }
  }
}
