// The text a mention is analyzed, fingerprinted and searched by: its title (when it has one) and its
// text, on two lines. One helper, so that analysis, near-duplicates and both stores read the same text.

export function mentionBody(mention: { title?: string | undefined; text: string }): string {
  return mention.title ? `${mention.title}\n${mention.text}` : mention.text;
}
