import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { suggest } from '../../config/didYouMean';
import type { InMemoryDataset } from './dataset';
import { maxOf } from '../../common/stats';

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
  if (!existsSync(spec.path) || !statSync(spec.path).isFile())
    throw new DataError('the data file does not exist', spec.path);
  if (spec.format === 'csv') {
    const parser = createReadStream(spec.path).pipe(
      parse({ columns: true, info: true, bom: true, trim: true, skip_empty_lines: true }),
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
      throw new DataError(`the CSV cannot be read: ${e.message}`, spec.path, e.lines);
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(spec.path), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (!text.trim()) continue;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch (error) {
        throw new DataError(`not a JSON object: ${(error as Error).message}`, spec.path, line);
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
        throw new DataError(
          `data.label_column "${spec.labelColumn}" is not a column (columns: ${present.join(', ')}).${close.length ? ` Did you mean "${close[0]}"?` : ''}`,
          spec.path,
          line,
        );
      }
      columns = spec.featureColumns ? [...spec.featureColumns] : present.filter((c) => c !== spec.labelColumn);
      const missing = columns.filter((c) => !present.includes(c));
      if (missing.length)
        throw new DataError(
          `data.feature_columns names ${missing.map((m) => `"${m}"`).join(', ')}, not in the data (columns: ${present.join(', ')})`,
          spec.path,
          line,
        );
    }
    for (const column of columns) {
      const raw = row[column];
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value))
        throw new DataError(`column "${column}" holds ${JSON.stringify(raw ?? null)}, not a number`, spec.path, line);
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
        throw new DataError(`the label "${label}" is not a number (task: regression)`, spec.path, labelLines[i]);
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
