/**
 * Small text helpers shared by hover, inlay hints and completion, so that every feature words
 * counts, name lists and the "nothing loaded" situation the same way.
 */
import type { Inventory, WorkloadObject } from './types';

/** What a user must do when there is nothing to match against. */
export const NO_INVENTORY_MESSAGE =
  'No inventory loaded: open a workspace with ManagedCluster manifests or connect a cluster.';

/** `1 WEC`, `3 WECs`, `0 objects`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** Whether the inventory holds nothing at all, so no answer about matches would mean anything. */
export function inventoryIsEmpty(inventory: Inventory): boolean {
  return inventory.wecs.length === 0 && inventory.objects.length === 0;
}

/**
 * An inline code span that survives any content: CommonMark lets a span be delimited by a run of
 * backticks longer than any run inside it, padded with a space when the content touches a backtick.
 */
export function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Escapes the characters that would otherwise turn plain text into Markdown markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (char) => `\\${char}`);
}

/**
 * Names as code spans, at most `limit` of them, then `and N more`. A limit below 1 still shows one
 * name: a hover that lists nothing at all would hide the only useful detail.
 */
export function nameList(names: readonly string[], limit: number): string {
  const shown = names.slice(0, Math.max(1, limit));
  const rest = names.length - shown.length;
  const listed = shown.map(code).join(', ');
  return rest > 0 ? `${listed} and ${rest} more` : listed;
}

/** The same list as plain text (inlay hint tooltips are not rendered as Markdown everywhere). */
export function plainNameList(names: readonly string[], limit: number): string {
  const shown = names.slice(0, Math.max(1, limit));
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** How an object is named in hints, hovers and completions: `deployments.apps web/frontend`. */
export function objectName(object: WorkloadObject): string {
  const resource = object.group ? `${object.resource}.${object.group}` : object.resource;
  return object.namespace ? `${resource} ${object.namespace}/${object.name}` : `${resource} ${object.name}`;
}
