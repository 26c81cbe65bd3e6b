import { HttpError } from './http-error.js';

/**
 * Reads a response body into a string, refusing to hold more than `maxBytes`: a hostile or broken host must
 * not be able to exhaust the worker's memory. A body cut off mid-stream rejects (undici reports the socket
 * error), which the retry loop treats as transient.
 */
export async function readBody(body: AsyncIterable<Uint8Array | string>, maxBytes: number, url: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += buffer.byteLength;
    if (size > maxBytes) {
      throw new HttpError({
        kind: 'provider',
        code: 'response_too_large',
        url,
        message: `response_too_large: the response exceeded ${maxBytes} bytes`,
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `application/json`, `problem+json`, `vnd.github+json`... but not `ndjson`, which is many documents. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /[/+]json\s*(;|$)/i.test(contentType);
}
