/** The outbound HTTP toolkit: what connectors, the verify probe and OAuth import. */
export { createHttpClient } from './http-client.js';
export { HttpError, isHttpError, redactUrl, type HttpErrorCode, type HttpErrorInit } from './http-error.js';
export { AbortError, isAbortError, throwIfAborted } from './abort-error.js';
export { createRateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export { createSsrfGuard, type ResolveHost, type SsrfGuardOptions } from './ssrf-guard.js';
export { createHostAllowlist } from './host-allowlist.js';
export { compileHostPattern, type HostMatcher } from './host-pattern.js';
export { credentialDestinations, parseAllowedHosts, type CredentialDestinations, type CredentialDestinationInput } from './credential-destinations.js';
export { createGuardedFetch, type GuardedFetch, type GuardedFetchInit, type GuardedFetchOptions } from './guarded-fetch.js';
export { classifyIp, isIpLiteral, isPublicIp, type IpRange } from './ip-classify.js';
export {
  paginateCursor,
  paginateLinkHeader,
  paginateNextUrl,
  paginateOffset,
  paginatePage,
  type CursorOptions,
  type NextUrlOptions,
  type OffsetOptions,
  type PageOptions,
} from './paginators.js';
export { parseLinkHeader } from './link-header.js';
export { resolveTemplate, templateConfig, type TemplateOptions, type TemplateScope } from './template.js';
export { sleep } from './sleep.js';
export type {
  HttpClient,
  HttpClientOptions,
  HttpErrorKind,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  Page,
  QueryValue,
  RateLimiter,
  RetryPolicy,
  SleepFn,
  SsrfGuard,
} from './http-types.js';
export { boundedSnippet, createScrubber } from './scrub-secrets.js';
export { isObject, stringList, timeOf } from './json-values.js';
