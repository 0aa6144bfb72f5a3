import { createHash } from 'node:crypto';
import { CONSOLE_CONTENT_SECURITY_POLICY, CONSOLE_PAGE, CONSOLE_SCRIPT } from './console.page.js';

describe('the operator console page', () => {
  it('carries a script that parses', () => {
    expect(() => new Function(CONSOLE_SCRIPT)).not.toThrow();
  });

  it('never parses data as HTML', () => {
    expect(CONSOLE_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  it('allows exactly its inline script by hash, and nothing from elsewhere', () => {
    const hash = createHash('sha256').update(CONSOLE_SCRIPT, 'utf8').digest('base64');
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain(`script-src 'sha256-${hash}'`);
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONSOLE_PAGE).toContain(`<script>${CONSOLE_SCRIPT}</script>`);
  });
});
