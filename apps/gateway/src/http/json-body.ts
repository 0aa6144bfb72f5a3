/** The type of every JSON answer of the API. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const SUCCESS_TAIL = Buffer.from('"success":true}');
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/**
 * An HTTP body already serialized as JSON (bytes a service made): the success envelope and the
 * reply pass it through unparsed (SuccessEnvelopeInterceptor leaves it as it is, and it is sent as
 * `application/json`).
 */
export class JsonBody {
  private constructor(readonly bytes: Buffer) {}

  /**
   * `{...object, "success": true}` made from the bytes of a JSON object, by splicing: the object's
   * closing brace is replaced by `,"success":true}` (or `{` + that, for an empty object). Services
   * answer objects without a `success` key, so no key is doubled.
   */
  static success(object: Uint8Array): JsonBody {
    let end = object.length - 1;
    while (end > 0 && object[end] !== CLOSE) end -= 1;
    if (object[0] !== OPEN || end <= 0) throw new Error('JsonBody.success: the reply is not a JSON object');
    let last = end - 1;
    while (last > 0 && isSpace(object[last])) last -= 1;
    const empty = last === 0;
    const head = Buffer.from(object.buffer, object.byteOffset, empty ? 1 : end);
    return new JsonBody(Buffer.concat([head, empty ? SUCCESS_TAIL : COMMA_SUCCESS_TAIL]));
  }
}

const COMMA_SUCCESS_TAIL = Buffer.concat([Buffer.from(','), SUCCESS_TAIL]);

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
