import { expect } from 'vitest';
import { createHttpClient } from './http-client.js';
import { HttpError } from './http-error.js';
import type { HttpClientOptions } from './http-types.js';
import type { TestServer } from './test-server.js';

/** Test-only: a client whose waits are recorded instead of slept, with jitter fixed at half the cap. */
export function recordingClient(server: TestServer, extra: HttpClientOptions = {}) {
  const delays: number[] = [];
  const retries: Array<[number, number, string]> = [];
  const client = createHttpClient({
    baseUrl: server.url,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    onRetry: (attempt, delay, reason) => retries.push([attempt, delay, reason]),
    ...extra,
  });
  return { client, delays, retries };
}

/** Test-only: awaits a call that must fail with an HttpError and returns the error. */
export async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}
