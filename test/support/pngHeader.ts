/** Width and height from a PNG's IHDR chunk; throws unless the bytes start like a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number; colourType: number } {
  const buffer = Buffer.from(bytes);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buffer.length < 33 || !buffer.subarray(0, 8).equals(signature) || buffer.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`not a PNG: ${buffer.subarray(0, 16).toString('hex')}`);
  }
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20), colourType: buffer[25]! };
}
