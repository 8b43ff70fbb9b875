import * as vscode from 'vscode';
import type { ConfigDiagnostic, SourceRange } from '../../config/diagnostic';

/** A config range (1-based lines and columns) as a VS Code range (0-based). */
export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line - 1, range.start.column - 1, range.end.line - 1, range.end.column - 1);
}

const SEVERITY: Record<ConfigDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A config diagnostic as a VS Code diagnostic with source "TrainLens" and the stable code. */
export function toDiagnostic(diagnostic: ConfigDiagnostic): vscode.Diagnostic {
  const result = new vscode.Diagnostic(toRange(diagnostic.range), diagnostic.message, SEVERITY[diagnostic.severity]);
  result.source = 'TrainLens';
  result.code = diagnostic.code;
  return result;
}
