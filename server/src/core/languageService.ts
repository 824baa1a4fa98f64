/**
 * The one front door of the pure language service.
 *
 * Callers (the LSP server, the CLI, tests) hand in document text and get plain data back. The
 * inventory is injected through `getInventory`, so the core never knows whether WECs and objects
 * came from workspace files, a live cluster or a test. Every feature lives in its own file; this
 * file only caches parses, derived indexes and per-document diagnostics.
 */
import { parseFile, type ParsedFile } from './document';
import { MatchIndex } from './matcher';
import { ResourceCatalog } from './resources';
import {
  DEFAULT_CORE_SETTINGS,
  type CoreDiagnostic,
  type CoreSettings,
  type Inventory,
  type OffsetEdit,
  type OffsetRange,
  type QuickFix,
} from './types';
import { validateDocument, type Finding } from './validation';
import { fixAllEdits, quickFixes, shiftFinding, toDiagnostic } from './codeActions';
import { complete, type CompletionList } from './completion';
import { hover, type HoverResult } from './hover';
import { inlayHints, type InlayHint } from './inlayHints';
import { documentSymbols, foldingRanges, type DocumentSymbol, type FoldingRange } from './symbols';
import { explainFile, type PolicyExplanation } from './explain';

export type { CompletionList, HoverResult, InlayHint, DocumentSymbol, FoldingRange, PolicyExplanation };

/** What every feature receives besides the document: the estate and how to look things up in it. */
export interface FeatureContext {
  readonly inventory: Inventory;
  readonly index: MatchIndex;
  readonly catalog: ResourceCatalog;
  readonly settings: CoreSettings;
}

export interface LanguageServiceOptions {
  /** Returns the current inventory; called on every request, so it must be cheap. */
  readonly getInventory: () => Inventory;
}

export interface LanguageService {
  /** Parses a document version, reusing unchanged YAML documents of the previous version of that URI. */
  parse(uri: string, version: number, text: string): ParsedFile;
  /** Forgets a closed document. */
  close(uri: string): void;
  validate(file: ParsedFile, settings?: CoreSettings): CoreDiagnostic[];
  /** Quick fixes for the diagnostics that overlap `range`. */
  quickFixes(file: ParsedFile, range: OffsetRange, settings?: CoreSettings): QuickFix[];
  /** Edits that apply every preferred (certain) quick fix of the file at once, without overlaps. */
  fixAll(file: ParsedFile, settings?: CoreSettings): OffsetEdit[];
  complete(file: ParsedFile, offset: number, settings?: CoreSettings): CompletionList;
  hover(file: ParsedFile, offset: number, settings?: CoreSettings): HoverResult | undefined;
  inlayHints(file: ParsedFile, range: OffsetRange, settings?: CoreSettings): InlayHint[];
  documentSymbols(file: ParsedFile): DocumentSymbol[];
  foldingRanges(file: ParsedFile): FoldingRange[];
  /** What each policy of the file binds: WECs, objects per clause, canonical selector strings. */
  explain(file: ParsedFile): PolicyExplanation[];
  /** The context features run with right now (exposed for the CLI and tests). */
  context(settings?: CoreSettings): FeatureContext;
}

export function getLanguageService(options: LanguageServiceOptions): LanguageService {
  const files = new Map<string, ParsedFile>();
  // The match index and the resource catalog are built once per inventory generation. The
  // generation, not the object, is the key: the server hands out a new inventory object when only
  // source locations moved (a keystroke in a manifest), and rebuilding the index then would put a
  // full index build on the keystroke path.
  let derived: { generation: number; index: MatchIndex; catalog: ResourceCatalog } | undefined;
  // Findings of one YAML document depend on its text and on the inventory. They are cached by the
  // document's AST (which parse() reuses for unchanged text, wherever the text moved) and the
  // inventory generation; their ranges are document-relative, so a moved document's stay right.
  const findingsByAst = new WeakMap<object, { generation: number; findings: Finding[] }>();

  function context(settings: CoreSettings = DEFAULT_CORE_SETTINGS): FeatureContext {
    const inventory = options.getInventory();
    if (!derived || derived.generation !== inventory.generation) {
      derived = {
        generation: inventory.generation,
        index: new MatchIndex(inventory),
        catalog: new ResourceCatalog(inventory.resourceTypes),
      };
    }
    return { inventory, index: derived.index, catalog: derived.catalog, settings };
  }

  /** Findings of every document of the file, in file offsets; unchanged documents come from the cache. */
  function findings(file: ParsedFile, settings?: CoreSettings): Finding[] {
    const ctx = context(settings);
    const all: Finding[] = [];
    for (const doc of file.documents) {
      if (!doc.ast) {
        for (const finding of validateDocument(doc, ctx)) all.push(shiftFinding(finding, doc.offset));
        continue;
      }
      let cached = findingsByAst.get(doc.ast);
      if (!cached || cached.generation !== ctx.inventory.generation) {
        cached = { generation: ctx.inventory.generation, findings: validateDocument(doc, ctx) };
        findingsByAst.set(doc.ast, cached);
      }
      for (const finding of cached.findings) all.push(shiftFinding(finding, doc.offset));
    }
    return all;
  }

  return {
    parse(uri, version, text) {
      const previous = files.get(uri);
      if (previous && previous.version === version && previous.text === text) return previous;
      const file = parseFile(uri, version, text, previous);
      files.set(uri, file);
      return file;
    },
    close(uri) {
      files.delete(uri);
    },
    validate: (file, settings) => findings(file, settings).map(toDiagnostic),
    quickFixes: (file, range, settings) => quickFixes(file, findings(file, settings), range, context(settings)),
    fixAll: (file, settings) => fixAllEdits(file, findings(file, settings), context(settings)),
    complete: (file, offset, settings) => complete(file, offset, context(settings)),
    hover: (file, offset, settings) => hover(file, offset, context(settings)),
    inlayHints: (file, range, settings) => inlayHints(file, range, context(settings)),
    documentSymbols: (file) => documentSymbols(file),
    foldingRanges: (file) => foldingRanges(file),
    explain: (file) => explainFile(file, context()),
    context,
  };
}
