// Text folding shared by analysis, brand matching and the store, so that a query word and the text
// it should find are compared in the same form.

/** Lower-cases and strips diacritics: "Livraisons Élevées" → "livraisons elevees". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Words (letters and digits, inner apostrophes and hyphens split), folded. */
export function foldedWords(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}
