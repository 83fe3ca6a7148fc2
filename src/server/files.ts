/** Reading text files that users give to importers: gzip detected by magic bytes, UTF-8 or Latin-1. */
import fs from 'node:fs';
import zlib from 'node:zlib';

/** Whether `bytes` start with the gzip magic bytes 1f 8b. */
export const startsAsGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * Whether file `file` starts with the gzip magic bytes (reads its first two bytes only).
 * @throws Error (Node's, with its `code`) when the file cannot be opened.
 */
export function isGzipFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && startsAsGzip(head);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads `file` as text. Gzip input (magic bytes 1f 8b) is inflated; bytes that are not valid UTF-8
 * are decoded as Windows-1252/Latin-1 (as the CEB country list is). A UTF-8 byte-order mark is kept
 * for the CSV parser to strip.
 * @throws Error with the path when the file cannot be read.
 */
export function readTextFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (startsAsGzip(bytes)) bytes = zlib.gunzipSync(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
