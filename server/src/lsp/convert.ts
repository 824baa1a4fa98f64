/**
 * The core's plain results, turned into LSP messages. Offsets become positions here and nowhere
 * else; everything else is a mapping of names (the core says `labelKey`, LSP says `Field`).
 */
import {
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type InlayHint,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type * as core from '../core/languageService';
import type { CoreDiagnostic, Severity } from '../core/types';
import type { CompletionItem as CoreCompletionItem, CompletionKind } from '../core/completion';
import type { DocumentSymbol as CoreDocumentSymbol } from '../core/symbols';
import { toRange } from './positions';

/** Every diagnostic says where it comes from, so users can tell ours from the YAML extension's. */
export const DIAGNOSTIC_SOURCE = 'kubestellar';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const TAGS = { unnecessary: DiagnosticTag.Unnecessary, deprecated: DiagnosticTag.Deprecated } as const;

export function toDiagnostic(document: TextDocument, diagnostic: CoreDiagnostic): Diagnostic {
  return {
    range: toRange(document, diagnostic.range),
    severity: SEVERITIES[diagnostic.severity],
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
    ...(diagnostic.tags?.length ? { tags: diagnostic.tags.map((tag) => TAGS[tag]) } : {}),
  };
}

const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  field: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  operator: CompletionItemKind.Operator,
  labelKey: CompletionItemKind.Field,
  labelValue: CompletionItemKind.Value,
  resource: CompletionItemKind.Class,
  apiGroup: CompletionItemKind.Module,
  namespace: CompletionItemKind.Folder,
  objectName: CompletionItemKind.Reference,
  statusCollector: CompletionItemKind.Reference,
  snippet: CompletionItemKind.Snippet,
};

export function toCompletionList(document: TextDocument, list: core.CompletionList): CompletionList {
  return { isIncomplete: list.isIncomplete, items: list.items.map((item) => toCompletionItem(document, item)) };
}

function toCompletionItem(document: TextDocument, item: CoreCompletionItem): CompletionItem {
  const newText = item.insertText ?? item.label;
  return {
    label: item.label,
    kind: COMPLETION_KINDS[item.kind],
    detail: item.detail,
    documentation: item.documentation === undefined ? undefined : { kind: MarkupKind.Markdown, value: item.documentation },
    insertTextFormat: item.isSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    ...(item.range ? { textEdit: { range: toRange(document, item.range), newText } } : { insertText: newText }),
    sortText: item.sortText,
    filterText: item.filterText,
    preselect: item.preselect,
  };
}

export function toHover(document: TextDocument, result: core.HoverResult): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: toRange(document, result.range) };
}

export function toInlayHint(document: TextDocument, hint: core.InlayHint): InlayHint {
  return { position: document.positionAt(hint.offset), label: hint.label, tooltip: hint.tooltip, paddingLeft: true };
}

const SYMBOL_KINDS: Record<CoreDocumentSymbol['kind'], SymbolKind> = {
  policy: SymbolKind.Class,
  binding: SymbolKind.Struct,
  clusterSelectors: SymbolKind.Array,
  selector: SymbolKind.Key,
  downsync: SymbolKind.Array,
  clause: SymbolKind.Object,
};

export function toDocumentSymbol(document: TextDocument, symbol: CoreDocumentSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: SYMBOL_KINDS[symbol.kind],
    range: toRange(document, symbol.range),
    selectionRange: toRange(document, symbol.selectionRange),
    children: symbol.children.map((child) => toDocumentSymbol(document, child)),
  };
}

/** Folding is by lines; a range that starts and ends on one line folds nothing and is dropped. */
export function toFoldingRanges(document: TextDocument, ranges: readonly core.FoldingRange[]): FoldingRange[] {
  const result: FoldingRange[] = [];
  for (const range of ranges) {
    const startLine = document.positionAt(range.start).line;
    const endLine = document.positionAt(range.end).line;
    if (endLine > startLine) result.push({ startLine, endLine });
  }
  return result;
}
