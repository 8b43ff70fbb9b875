import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import * as vscode from 'vscode';
import { isTrainLensConfig } from '../../config/detect';
import { completeConfig } from '../../config/editor/completion';
import { hoverConfig } from '../../config/editor/hover';
import { validateConfigText, type ValidationResult } from '../../config/validate';
import { toDiagnostic, toRange } from './convert';

/** Delay between the last keystroke and re-validation. */
const DEBOUNCE_MS = 250;
const RED_HAT_YAML = 'redhat.vscode-yaml';

/**
 * The training-config language features: diagnostics as you type, quick fixes, completion and hover. Thin adapters
 * over the pure functions of src/config. When Red Hat's YAML extension is installed it validates the same files
 * against the same schema (contributes.yamlValidation), so TrainLens then publishes only what it alone finds (YAML
 * checks it does not make, semantic checks) and keeps offering its quick fixes for every problem.
 */
export class ConfigFeatures implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('trainlens');
  private readonly results = new Map<string, { version: number; result: ValidationResult }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor() {
    const selector: vscode.DocumentSelector = [{ language: 'yaml' }];
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.validate(doc)),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc)),
      vscode.languages.registerCodeActionsProvider(
        selector,
        { provideCodeActions: (doc, range) => this.codeActions(doc, range) },
        {
          providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
        },
      ),
      vscode.languages.registerCompletionItemProvider(
        selector,
        { provideCompletionItems: (doc, pos) => this.complete(doc, pos) },
        ':',
        ' ',
      ),
      vscode.languages.registerHoverProvider(selector, { provideHover: (doc, pos) => this.hover(doc, pos) }),
    );
    for (const doc of vscode.workspace.textDocuments) this.validate(doc);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private isConfig(doc: vscode.TextDocument): boolean {
    return doc.languageId === 'yaml' && isTrainLensConfig(doc.fileName, doc.getText());
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.validate(doc);
      }, DEBOUNCE_MS),
    );
  }

  private forget(doc: vscode.TextDocument): void {
    this.collection.delete(doc.uri);
    this.results.delete(doc.uri.toString());
  }

  /** Validates once per document version; the result also serves code actions. */
  private resultFor(doc: vscode.TextDocument): ValidationResult {
    const key = doc.uri.toString();
    const cached = this.results.get(key);
    if (cached?.version === doc.version) return cached.result;
    const result = validateConfigText(doc.getText(), {
      ...(doc.uri.scheme === 'file' ? { configPath: doc.uri.fsPath, fileExists: existsSync } : {}),
      availableMemoryBytes: totalmem(),
    });
    this.results.set(key, { version: doc.version, result });
    return result;
  }

  private validate(doc: vscode.TextDocument): void {
    if (!this.isConfig(doc)) {
      this.forget(doc);
      return;
    }
    const redHat = vscode.extensions.getExtension(RED_HAT_YAML) !== undefined;
    const diagnostics = this.resultFor(doc).diagnostics.filter((d) => !(redHat && d.code.startsWith('schema/')));
    this.collection.set(doc.uri, diagnostics.map(toDiagnostic));
  }

  private codeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    if (!this.isConfig(doc)) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of this.resultFor(doc).diagnostics) {
      const where = toRange(diagnostic.range);
      if (!where.intersection(range) && !where.contains(range.start)) continue;
      for (const fix of diagnostic.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) {
          action.edit.replace(
            doc.uri,
            new vscode.Range(doc.positionAt(edit.start), doc.positionAt(edit.end)),
            edit.newText,
          );
        }
        action.diagnostics = [toDiagnostic(diagnostic)];
        action.isPreferred = fix.preferred ?? false;
        actions.push(action);
      }
    }
    return actions;
  }

  private complete(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    if (!this.isConfig(doc)) return [];
    return completeConfig(doc.getText(), doc.offsetAt(position)).map((proposal, index) => {
      const item = new vscode.CompletionItem(
        proposal.label,
        proposal.kind === 'key' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember,
      );
      item.insertText = proposal.insertText;
      item.range = new vscode.Range(doc.positionAt(proposal.replaceStart), doc.positionAt(proposal.replaceEnd));
      item.detail = proposal.detail;
      item.documentation = new vscode.MarkdownString(proposal.documentation);
      item.sortText = String(index).padStart(3, '0');
      item.preselect = proposal.preselect ?? false;
      return item;
    });
  }

  private hover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.isConfig(doc)) return undefined;
    const hover = hoverConfig(doc.getText(), doc.offsetAt(position));
    return hover
      ? new vscode.Hover(
          new vscode.MarkdownString(hover.markdown),
          new vscode.Range(doc.positionAt(hover.start), doc.positionAt(hover.end)),
        )
      : undefined;
  }
}
