import { z } from 'zod';

/**
 * Fault injection shared by every sandbox: `POST /_sandbox/faults` queues faults, and the next API requests
 * (after `after` unharmed ones) fail that way. How a rate limit or a server error looks is the provider's
 * business (its headers and error body); `slow`, `truncate` and `reset` (the connection is closed before any
 * response, as a proxy or load balancer dropping it does) are the same everywhere.
 */
/**
 * The fault kinds `POST /_sandbox/faults` accepts (see the header above for what each does).
 *
 * @example
 * ```ts
 * if (fault.kind === 'rate_limit' || fault.kind === 'secondary_rate_limit') return rateLimited();
 * ```
 */
export const faultKinds = ['rate_limit', 'secondary_rate_limit', 'server_error', 'slow', 'truncate', 'reset'] as const;
/**
 * One of `faultKinds`.
 *
 * @example
 * ```ts
 * const kind: FaultKind = 'server_error';
 * ```
 */
export type FaultKind = (typeof faultKinds)[number];

/**
 * The body of `POST /_sandbox/faults`, checked by the sandbox server: which fault, how many requests it hits,
 * after how many unharmed ones, and its details.
 *
 * @example
 * ```ts
 * const fault = FaultRequestSchema.parse({ kind: 'rate_limit', count: 2, retry_after: 1 });
 * ```
 */
export const FaultRequestSchema = z.object({
  kind: z.enum(faultKinds),
  /** How many consecutive API requests fail this way. */
  count: z.number().int().min(1).max(100_000).default(1),
  /** How many API requests to let through first. */
  after: z.number().int().min(0).max(1_000_000).default(0),
  /** Seconds announced in `Retry-After` (rate limits). */
  retry_after: z.number().int().min(0).max(3600).optional(),
  /** How long a `slow` response waits before it is sent. */
  delay_ms: z.number().int().min(0).max(600_000).optional(),
  /** The status of a `server_error` (the provider's usual ones by default; 502, 503, 504 also make sense). */
  status: z.number().int().min(500).max(599).optional(),
});
/**
 * A fault as a test or script asks for it (defaults may be left out).
 *
 * @example
 * ```ts
 * await injectFaults(sandbox.url, { kind: 'server_error', count: 3, after: 5, status: 503 } satisfies FaultRequest);
 * ```
 */
export type FaultRequest = z.input<typeof FaultRequestSchema>;
type QueuedFault = z.infer<typeof FaultRequestSchema>;

/**
 * The fault applied to one request, handed to a sandbox provider's `renderFault` (a simulator provider's `fault`) to answer in the provider's own
 * shape (the server itself handles `slow`, `truncate` and `reset`).
 *
 * @example
 * ```ts
 * renderFault(fault: ActiveFault, req: SandboxRequest): SandboxResponse {
 *   const status = fault.status ?? (hash32(seed, fault.occurrence) % 2 === 0 ? 500 : 503);
 *   return { status, body: { errors: [{ message: 'Internal Server Error' }] } };
 * }
 * ```
 */
export interface ActiveFault {
  kind: FaultKind;
  retryAfterSeconds: number;
  delayMs: number;
  /** The status asked for, or null to let the provider choose. */
  status: number | null;
  /** 1-based position of this request in its fault's `count`. */
  occurrence: number;
}

/**
 * The queue of injected faults behind `/_sandbox/faults`; the sandbox server owns one and takes a fault for each
 * API request. A provider never builds one itself.
 *
 * @example
 * ```ts
 * const faults = new FaultInjector();
 * faults.add({ kind: 'server_error', count: 2 });
 * faults.take(); // { kind: 'server_error', occurrence: 1, status: null, … }
 * ```
 */
export class FaultInjector {
  private readonly queue: (QueuedFault & { used: number })[] = [];

  add(request: FaultRequest): QueuedFault {
    const fault = FaultRequestSchema.parse(request);
    this.queue.push({ ...fault, used: 0 });
    return fault;
  }

  /** Called once per API request: the fault to apply to it, if any. */
  take(): ActiveFault | null {
    const head = this.queue[0];
    if (!head) return null;
    if (head.after > 0) {
      head.after -= 1;
      return null;
    }
    head.used += 1;
    if (head.used >= head.count) this.queue.shift();
    return {
      kind: head.kind,
      retryAfterSeconds: head.retry_after ?? 1,
      delayMs: head.delay_ms ?? 1000,
      status: head.status ?? null,
      occurrence: head.used,
    };
  }

  pending(): { kind: FaultKind; remaining: number; after: number }[] {
    return this.queue.map((f) => ({ kind: f.kind, remaining: f.count - f.used, after: f.after }));
  }

  clear(): void {
    this.queue.length = 0;
  }
}
