/** Line arithmetic on plain text, shared by the files that edit or scan YAML source. */

/**
 * The offset where the line holding `offset` starts. (`lastIndexOf` clamps a negative start to 0,
 * so the obvious `text.lastIndexOf('\n', offset - 1) + 1` is wrong at offset 0 when the text
 * starts with a line break; that mistake once made completion loop forever.)
 */
export function lineStartOf(text: string, offset: number): number {
  return offset <= 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
}
