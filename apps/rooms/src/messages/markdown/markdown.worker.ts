import { parse } from '@rocket.chat/message-parser';
import type { MarkdownNode } from '@livechat/contracts';
import { REFERENCE_PARSE_OPTIONS } from './markdown.options.js';

/** piscina's task, run in a worker thread: the reference parser's tree of one message. */
export default function parseMarkdown(msg: string): MarkdownNode[] {
  return parse(msg, REFERENCE_PARSE_OPTIONS) as unknown as MarkdownNode[];
}
