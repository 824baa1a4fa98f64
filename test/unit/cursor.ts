/**
 * Test helper: a document text with one `|` marking the cursor, split into the text without the
 * marker and the cursor's offset. Texts that need a literal `|` (a block scalar) pass another marker.
 */
export function withCursor(marked: string, marker = '|'): { text: string; offset: number } {
  const offset = marked.indexOf(marker);
  if (offset < 0 || marked.indexOf(marker, offset + 1) >= 0) {
    throw new Error(`expected exactly one cursor marker ${JSON.stringify(marker)} in the text`);
  }
  return { text: marked.slice(0, offset) + marked.slice(offset + marker.length), offset };
}
