/** A position in a config file: 1-based line and column (as the CLI prints them) and the 0-based offset. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A span of the config text, end exclusive. */
export interface SourceRange {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/** One replacement of the text between two offsets. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** A quick fix: a title for the lightbulb menu and the edits that apply it. */
export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The fix the editor offers first (e.g. the closest "did you mean"). */
  readonly preferred?: boolean;
}

/** Severity of a config diagnostic, in the CLI contract's words. */
export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/**
 * A problem (or a fact, for `info`) found in a training config, placed on the exact key or value it concerns.
 * `code` is stable (`schema/unknown-key`, `semantic/effective-batch`, …) so users and tests can rely on it.
 */
export interface ConfigDiagnostic {
  readonly severity: DiagnosticSeverity;
  readonly code: string;
  readonly message: string;
  /** Dotted path of the key concerned, e.g. `training.optimizer.name`; empty for the document. */
  readonly path: string;
  readonly range: SourceRange;
  readonly fixes?: readonly QuickFix[];
}

/** Joins a path of keys and indices as users read it: `data.feature_columns[2]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}
