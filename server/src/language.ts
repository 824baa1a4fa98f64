/**
 * Everything the server needs from the language service, the workspace loader and the warm-up,
 * behind one door. The build makes this a bundle of its own (`dist/language.js`), which the server
 * loads when the client says `initialized`: `yaml`, ajv, the schemas and the core are two thirds of
 * the server's code, and answering `initialize` without compiling them starts the server about
 * 25 ms sooner. Import from here only lazily (see `languageCode()` in server.ts); types may be imported
 * from the modules themselves.
 */
export { getLanguageService } from './core/languageService';
export { resourcesSelectedBy } from './core/policy';
export { buildExplainResult } from './lsp/explain';
export { startWarmUp } from './warmUp';
export { WorkspaceInventory } from './workspace/loader';
