import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The console page: one HTML document with its CSS and vanilla JS, no framework. Its files are in
 * page/ (console.html, console.css, the scripts; type-checked by page/tsconfig.json, copied next to
 * this module by the build as assets). The gateway serves the document with the stylesheet and the
 * scripts inline, the scripts in one strict function, so that the content security policy allows
 * exactly these two by hash and nothing else.
 *
 * Two views, one sign-in: the operator (the operator token, `X-Auth-Token`) sees the agents, the queue
 * and the recent rooms; an agent (their `X-User-Id` and token, docs/api.md#agents-sign-in) sees their rooms, reads a
 * chat (chat.syncMessages), answers it (chat.sendMessage), closes it (room.closeByUser) and sets their
 * availability. The page holds no data: the credentials stay in sessionStorage (this tab only) and
 * every request carries them. Everything it shows is put in the page with textContent and DOM nodes,
 * never parsed as HTML: visitor names and messages are whatever visitors typed.
 */

const PAGE_DIR = new URL('./page/', import.meta.url);
const STYLESHEET_TAG = /<link rel="stylesheet" href="([\w.-]+)">\n/g;
const SCRIPT_TAG = /<script src="([\w.-]+)"><\/script>\n/g;

function pageFile(name: string): string {
  return readFileSync(new URL(name, PAGE_DIR), 'utf8');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

const html = pageFile('console.html');
const styleNames = Array.from(html.matchAll(STYLESHEET_TAG), (match) => match[1]);
const scriptNames = Array.from(html.matchAll(SCRIPT_TAG), (match) => match[1]);

const STYLE = styleNames.map(pageFile).join('\n');

/** The page's scripts, in the document's order, in one strict function: they share its scope only. */
export const CONSOLE_SCRIPT = `\n(function () {\n'use strict';\n${scriptNames.map(pageFile).join('\n')}})();\n`;

/** console.html with its stylesheet and its scripts inline, each where its first tag was. */
export const CONSOLE_PAGE = html
  .replace(STYLESHEET_TAG, (_tag, name: string) => (name === styleNames[0] ? `<style>${STYLE}</style>\n` : ''))
  .replace(SCRIPT_TAG, (_tag, name: string) => (name === scriptNames[0] ? `<script>${CONSOLE_SCRIPT}</script>\n` : ''));

export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(CONSOLE_SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
