import { randomBytes } from 'node:crypto';

/** The id alphabet of docs/api.md#conventions (Meteor's unmistakable characters). */
export const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
export const ID_LENGTH = 17;

// Largest multiple of the alphabet size below 256: bytes at or above it are dropped, so every
// character is equally likely.
const UNBIASED_LIMIT = 256 - (256 % ID_ALPHABET.length);

/** A 17-character random id from a CSPRNG, without modulo bias. */
export function randomId(length = ID_LENGTH): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      id += ID_ALPHABET[byte % ID_ALPHABET.length];
      if (id.length === length) break;
    }
  }
  return id;
}
