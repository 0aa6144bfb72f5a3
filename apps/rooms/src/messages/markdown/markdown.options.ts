import type { MarkdownNode } from '@livechat/contracts';

/**
 * The options the reference's server parses messages with (its `beforeSaveMessage` markdown parser),
 * at their default settings: HexColorPreview_Enabled, emoticons, KaTeX with the parenthesis syntax
 * (Katex_Enabled, Katex_Parenthesis_Syntax true; Katex_Dollar_Syntax false), no custom domains.
 */
export const REFERENCE_PARSE_OPTIONS = {
  colors: true,
  emoticons: true,
  customDomains: [] as string[],
  katex: { dollarSyntax: false, parenthesisSyntax: true },
};

/** The message as one plain paragraph: `md` when the parser could not answer in time (docs/api.md#markdown-md). */
export function plainParagraph(msg: string): MarkdownNode[] {
  return [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: msg }] }];
}
