import { HttpError, redactUrl, sleep, type HttpClient, type HttpErrorKind, type HttpRequest, type HttpResponse } from '../../../http-client/index.js';
import { holds } from './condition.js';
import { valueAt } from './json-path.js';
import type { ErrorRule } from './stream-spec.js';

/**
 * A stream's error rules applied to every answer: which statuses or bodies mean retry, ignore, re-authenticate or
 * fail — including providers that answer `200 { ok: false }` (Slack). Rules are tried in order; the first whose
 * status and body condition both hold decides. An answer no rule matches is treated as the HTTP client treats it.
 */

/** Marks an answer a rule said to ignore: the walk reads it as an empty last page. */
export const ignoredAnswer = Symbol('ignored answer');

export type RuledResponse<T> = HttpResponse<T> & { [ignoredAnswer]?: true };

function kindOfStatus(status: number): HttpErrorKind {
  if (status === 401 || status === 403 || status === 404) return 'config';
  if (status === 429 || status >= 500) return 'transient';
  return 'provider';
}

/** A status the wrapper accepted only to judge it, failed as the HTTP client would have failed it. */
export function statusError(response: HttpResponse<unknown>): HttpError {
  return new HttpError({
    kind: kindOfStatus(response.status),
    code: 'http_status',
    status: response.status,
    url: response.url,
    message: `http_status: ${redactUrl(response.url)} answered ${response.status}`,
  });
}

/** An `HttpClient` from its `request`, with `get` as the client defines it. */
export function clientOf(request: HttpClient['request']): HttpClient {
  return { request, get: (url, query, init) => request({ ...init, url, ...(query === undefined ? {} : { query }), method: 'GET' }) };
}

function ruleMessage(rule: ErrorRule, response: HttpResponse<unknown>): string {
  const fallback = `${rule.action === 'reauth' ? 'the provider refused the credentials' : 'the provider refused the request'} (HTTP ${response.status})`;
  // `{{body.<path>|<fallback>}}`: the fallback when the answer lacks the value (as in fill-template.ts).
  const text = (rule.message ?? fallback).replace(/\{\{\s*(status|body\.([^{}\s|]+))\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g, (_m, name: string, path: string | undefined, otherwise: string | undefined) => {
    if (name === 'status') return String(response.status);
    const value = valueAt(response.body, path ?? '');
    const found = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return found === '' ? (otherwise ?? '') : found;
  });
  // A described message is the provider's own words plus ours; bound it like the client bounds snippets.
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function matches(rule: ErrorRule, response: HttpResponse<unknown>, config: Record<string, unknown>): boolean {
  if (rule.status !== undefined && !rule.status.includes(response.status)) return false;
  if (rule.body !== undefined && !holds(rule.body, response.body, config)) return false;
  return true;
}

/**
 * `http` with the rules applied. Statuses a rule names are accepted from the client, judged here, and those no
 * rule matches fail as the client would have failed them.
 *
 * @example
 * ```ts
 * const http = withErrorRules(ctx.http, [
 *   { status: [200], body: { path: 'ok', equals: false }, action: 'fail', kind: 'config', message: '{{body.error}}: refused', max_retries: 3, backoff_ms: 1000 },
 * ], ctx.config);
 * ```
 */
export function withErrorRules(http: HttpClient, rules: ErrorRule[], config: Record<string, unknown>): HttpClient {
  if (rules.length === 0) return http;
  const ruled = new Set(rules.flatMap((rule) => rule.status ?? []).filter((status) => status < 200 || status > 299));
  const request = async <T>(req: HttpRequest): Promise<RuledResponse<T>> => {
    const callerAccepts = new Set(req.acceptStatus ?? []);
    for (let attempt = 0; ; attempt++) {
      const response = await http.request<T>({ ...req, acceptStatus: [...callerAccepts, ...ruled] });
      const rule = rules.find((candidate) => matches(candidate, response, config));
      if (!rule) {
        if (response.status >= 200 && response.status <= 299) return response;
        if (callerAccepts.has(response.status)) return response;
        throw statusError(response);
      }
      const fail = (kind: HttpErrorKind) =>
        new HttpError({ kind, code: 'http_status', status: response.status, url: response.url, message: ruleMessage(rule, response), attempts: attempt + 1 });
      switch (rule.action) {
        case 'ignore':
          return { ...response, [ignoredAnswer]: true };
        case 'reauth':
          throw fail('config');
        case 'fail':
          throw fail(rule.kind);
        case 'retry':
          if (attempt >= rule.max_retries) throw fail('transient');
          await sleep(rule.backoff_ms * 2 ** attempt, req.signal);
          continue;
      }
    }
  };
  return clientOf(request);
}
