/**
 * The token with its last character changed, so that it is wrong but of the right length and alphabet.
 * Never the token itself: a base64url token of 32 bytes ends in one of only 16 characters, 'A' among them.
 */
export function wrongToken(token: string): string {
  return `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
}
