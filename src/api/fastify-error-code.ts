import type { ErrorCode } from '../contracts/errors.js';

/** Fastify's own 4xx errors (raised before a route runs), each with the catalogue code that names it. */
const byFastifyCode: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_VALIDATION: 'validation_failed',
};

const byStatus: Record<number, ErrorCode> = { 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type' };

export function fastifyErrorCode(code: string | undefined, status: number): ErrorCode {
  return (code ? byFastifyCode[code] : undefined) ?? byStatus[status] ?? 'bad_request';
}
