/**
 * A Buffer as a response body without copying it (`new Uint8Array(buffer)` copies: a whole
 * document per read). Files and ciphers give Buffers over plain ArrayBuffers, never shared ones,
 * which is what the BodyInit type asks for.
 */
export const bodyBytes = (buffer: Buffer): Uint8Array<ArrayBuffer> =>
  new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
