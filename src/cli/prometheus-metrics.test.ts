import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from './prometheus-metrics.js';

describe('createPrometheusMetrics', () => {
  it('counts provider errors apart from requests, by connector and status', async () => {
    const metrics = createPrometheusMetrics({ processMetrics: false });
    metrics.providerResponse('github', 200);
    metrics.providerResponse('github', 401);
    metrics.providerResponse('stripe', 'timeout');
    const { body } = await metrics.render();
    expect(body).toContain('tributary_provider_requests_total{connector="github",status="200"} 1');
    expect(body).toContain('tributary_provider_requests_total{connector="github",status="401"} 1');
    expect(body).toContain('tributary_provider_errors_total{connector="github",status="401"} 1');
    expect(body).toContain('tributary_provider_errors_total{connector="stripe",status="timeout"} 1');
    expect(body).not.toContain('tributary_provider_errors_total{connector="github",status="200"}');
  });

  it('keeps a gauge of running runs and counts final statuses only', async () => {
    const metrics = createPrometheusMetrics({ processMetrics: false });
    metrics.runStarted();
    metrics.runStarted();
    metrics.runStopped('github', 'COMPLETED');
    metrics.tokenRefreshFailed('google_calendar');
    let { body } = await metrics.render();
    expect(body).toContain('tributary_runs_running 1');
    expect(body).toContain('tributary_runs_finished_total{connector="github",status="COMPLETED"} 1');
    expect(body).toContain('tributary_token_refresh_failures_total{connector="google_calendar"} 1');
    // Handed back or retried: not a final status, so only the gauge moves.
    metrics.runStopped(undefined, undefined);
    ({ body } = await metrics.render());
    expect(body).toContain('tributary_runs_running 0');
  });

  it('leaves the queue gauge out of a scrape when the queue cannot be read, and keeps registries apart', async () => {
    const failing = createPrometheusMetrics({ processMetrics: false, queueDepth: () => Promise.reject(new Error('database away')) });
    const working = createPrometheusMetrics({ processMetrics: false, queueDepth: async () => ({ ready: 3, deferred: 1, active: 2 }) });
    expect((await failing.render()).body).not.toMatch(/^tributary_queue_jobs\{/m);
    const { body } = await working.render();
    expect(body).toContain('tributary_queue_jobs{state="ready"} 3');
    expect(body).toContain('tributary_queue_jobs{state="active"} 2');
  });
});
