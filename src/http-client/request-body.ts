/** A request body as undici sends it, with the content type it implies unless the caller set one. */
export interface EncodedBody {
  data: string | Uint8Array | undefined;
  contentType: string | undefined;
}

/** Strings and bytes go as they are; URLSearchParams as a form (OAuth token calls); anything else as JSON. */
export function encodeBody(body: unknown): EncodedBody {
  if (body === undefined || body === null) return { data: undefined, contentType: undefined };
  if (typeof body === 'string' || body instanceof Uint8Array) return { data: body, contentType: undefined };
  if (body instanceof URLSearchParams) {
    return { data: body.toString(), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  return { data: JSON.stringify(body), contentType: 'application/json' };
}
