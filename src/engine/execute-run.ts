import { hostname } from 'node:os';
import type { StreamState } from '../contracts/connector-kit.js';
import type { SyncMode } from '../contracts/manifest.js';
import { getConnectionById, settleConnectionStatus } from '../db/queries/connections.js';
import { clearSeen } from '../db/queries/records/record-deletes.js';
import { ensureRecordTable, connectionTableName } from '../db/queries/records/record-tables.js';
import {
  closeRunStreams,
  finishRunStream,
  getRunById,
  claimRun,
  heartbeatRunAttempt,
  insertRunLog,
  listRunStreams,
  transitionRun,
  upsertRunStream,
  type RunRow,
} from '../db/queries/runs.js';
import { getStreamState } from '../db/queries/stream-states.js';
import { retryTransient } from '../db/retry-transient.js';
import { getWorkspace } from '../db/queries/workspaces.js';
import { redactCredentialsDeep } from '../contracts/redact-credentials.js';
import { createScrubber } from '../http-client/index.js';
import { connectionHttp, secretValues, type ConnectionSecrets } from '../services/credentials/connection-http.js';
import { noteSyncFailure, projectAfterRun } from '../services/crm/crm-after-run.js';
import type { EngineDeps } from './engine-deps.js';
import { freshCredentials, refreshAfterUnauthorized } from '../services/credentials/fresh-credentials.js';
import { describeError, errorKind, isCancellation, isHandBack, RunCancelledError, RunHandedBackError, RunSupersededError } from '../services/runs/run-errors.js';
import { syncStream } from './stream-sync.js';

export type RunOutcome =
  /** `connector` when the run got as far as loading its connection (metrics label it without a query). */
  | { status: 'COMPLETED' | 'FAILED' | 'CANCELLED'; runId: string; connector?: string }
  /** A transient failure on a non-final attempt: the job should be retried, and will resume. */
  | { status: 'RETRY'; runId: string; error: string }
  /** The run was already finished (a duplicate delivery) or no longer exists. */
  | { status: 'SKIPPED'; runId: string }
  /**
   * The worker is shutting down: the run stopped at a page boundary with its work committed, and must go back to
   * the queue (PENDING, a new job) to resume from its checkpoint. `attempt` is the attempt that stopped, or null
   * if the run was not claimed by this process at all.
   */
  | { status: 'HANDED_BACK'; runId: string; attempt: number | null };

const workerId = `${hostname()}:${process.pid}`;

export const terminalStatuses = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

/*
 * Which connection statuses a run may move, and to what. A connection disconnected, disabled or waiting for its
 * OAuth authorization while a run was in flight keeps that status whatever the run's end: the run never resurrects it.
 */
const syncingFrom = ['connected', 'error', 'syncing'] as const;
const completedFrom = ['connected', 'error', 'syncing', 'pending'] as const;
const failedFrom = ['connected', 'error', 'syncing'] as const;

/**
 * Executes (or resumes) one run. Idempotent: a finished run is skipped; a run whose worker died resumes from
 * its committed checkpoints, skipping the streams it had completed.
 */
export async function executeRun(deps: EngineDeps, runId: string, attempt: { final: boolean }): Promise<RunOutcome> {
  const { db, logger } = deps;
  const pending: Promise<unknown>[] = [];
  // Run logs are shown to every viewer: each line loses the connection's secrets (once they are read) and any
  // credential its structure shows, whoever wrote it (the engine, a connector, the toolkit's retry notes).
  let scrub = createScrubber([]);
  const log = (level: 'debug' | 'info' | 'warn' | 'error', rawMessage: string, rawData?: Record<string, unknown>) => {
    const message = scrub(rawMessage);
    const data = rawData === undefined ? undefined : redactCredentialsDeep(rawData, scrub);
    logger[level]({ runId, ...data }, message);
    // A line logged while the database is away lands once it is back (out of order by then, but not lost). One
    // that never lands is still in the process log above; its loss is logged and counted, never thrown into the run.
    if (level !== 'debug') {
      const stored = retryTransient(() => insertRunLog(db, { runId, level, message, data: data ?? null }), deps.options.dbRetry).catch((error: unknown) => {
        logger.warn({ runId, err: error, lost: { level, message } }, 'could not store a run log line');
        deps.metrics?.backgroundError('run_log');
      });
      pending.push(stored);
    }
  };

  // Transient database failures healed by retrying in place (retry-transient.ts): each is logged, and the total
  // is reported when the attempt ends, so a run says what it lived through.
  let healed = 0;
  const onDbFault = (what: string, info: { attempt: number; reason: string; delayMs: number }) => {
    healed++;
    log('warn', `Database ${what} failed (${info.reason}); retrying in ${info.delayMs} ms`, { db_fault: info.reason, retry: info.attempt });
  };
  const heal = <T>(what: string, fn: () => Promise<T>): Promise<T> => retryTransient(fn, { ...deps.options.dbRetry, onRetry: (info) => onDbFault(what, info) });
  const reportHealed = () => {
    if (healed > 0) log('info', `Healed ${healed} transient database fault${healed === 1 ? '' : 's'} during this attempt`, { db_faults_healed: healed });
  };

  const initial = await heal('bookkeeping', () => getRunById(db, runId));
  if (!initial || (terminalStatuses as readonly string[]).includes(initial.status)) return { status: 'SKIPPED', runId };
  if (initial.cancelRequestedAt) return finishCancelled(deps, initial, log, pending);
  // Fetched as the worker began to stop: not started here, straight back to the queue.
  if (deps.shutdown?.requested) return { status: 'HANDED_BACK', runId, attempt: null };

  // A claim counts the attempt, so it is not sent twice: after a lost answer, a run one attempt further than it
  // was read above, and RUNNING, is this claim's (a competing claim needs a second job of the same run, which
  // pg-boss's singleton key rules out, or a supersede, which the heartbeat then detects).
  const run = await retryTransient(() => claimRun(db, runId, new Date()), {
    ...deps.options.dbRetry,
    onRetry: (info) => onDbFault('run claim', info),
    landed: async () => {
      const now = await getRunById(db, runId);
      return now && now.status === 'RUNNING' && now.attempts === initial.attempts + 1 ? now : undefined;
    },
  });
  if (!run) return { status: 'SKIPPED', runId };
  const connection = await heal('bookkeeping', () => getConnectionById(db, run.connectionId));
  const workspace = connection && (await heal('bookkeeping', () => getWorkspace(db, connection.workspaceId)));
  if (!connection || !workspace) {
    await transitionRun(db, runId, ['RUNNING'], { status: 'FAILED', error: 'The connection no longer exists.', errorKind: 'config', completedAt: new Date() });
    return { status: 'FAILED', runId };
  }

  const entry = deps.catalog.get(connection.connectorId);
  let secrets: ConnectionSecrets = { fields: {} };
  if (connection.credentials) {
    // OAuth: a token about to expire is refreshed first, under the connection row's lock (fresh-credentials.ts).
    const fresh = await freshCredentials(deps, connection.id, { log }).catch((error: Error) => error);
    if (fresh instanceof Error) {
      if (errorKind(fresh) === 'transient' && !attempt.final) return { status: 'RETRY', runId: run.id, error: fresh.message };
      return failRun(deps, run, describeError(fresh, []), errorKind(fresh), log, pending, connection.connectorId);
    }
    secrets = fresh;
  } else if (entry.manifest.auth_mode !== 'none') {
    return failRun(deps, run, 'The connection has no credentials: connect it again.', 'config', log, pending, connection.connectorId);
  }
  const secretList = secretValues(entry.manifest, secrets);
  scrub = createScrubber(secretList);

  // A pending connection (saved unverified) stays pending while it syncs: only a success proves its credentials.
  await heal('bookkeeping', () => settleConnectionStatus(db, connection.id, 'syncing', syncingFrom, { lastRunId: run.id }));
  // Which process runs it (host:pid): with several workers, the logs say who did what and who took over after a crash.
  log('info', run.attempts > 1 ? `Resuming run (attempt ${run.attempts})` : 'Run started', { mode: run.mode, streams: run.streams, worker: workerId });

  const controller = new AbortController();
  // The end of a shutdown's grace period: stop even in the middle of a page (what was committed stays).
  const stopNow = () => controller.abort(new RunHandedBackError());
  if (deps.shutdown?.signal.aborted) stopNow();
  deps.shutdown?.signal.addEventListener('abort', stopNow, { once: true });
  /** `retry`: between pages, a heartbeat lost to a database fault is retried (the timer's just tries again later). */
  const checkCancel = async (retry = false) => {
    if (controller.signal.aborted) throw controller.signal.reason;
    const beat = () => heartbeatRunAttempt(db, run.id, run.attempts);
    const latest = retry ? await retryTransient(beat, { ...deps.options.dbRetry, signal: controller.signal, onRetry: (info) => onDbFault('heartbeat', info) }) : await beat();
    if (!latest) {
      // Another attempt took the run over. It resumes from the committed checkpoints; this one stops without
      // touching the run's status. At most the batch in flight commits twice: its rows are idempotent upserts.
      controller.abort(new RunSupersededError());
      throw controller.signal.reason;
    }
    if (latest.cancelRequestedAt) {
      controller.abort(new RunCancelledError());
      throw controller.signal.reason;
    }
  };
  // A heartbeat even while a page is slow to arrive: the sweeper re-queues runs whose worker went quiet,
  // and a cancel request aborts the in-flight HTTP call instead of waiting for it.
  // A beat that stops the run (cancel, supersede) aborts the controller: the loop sees it at its next step. Any other
  // failure is the heartbeat itself (the database away): the next beat tries again, but a run whose beats keep
  // failing is taken for dead by the sweeper, so each is logged and counted.
  const heartbeat = setInterval(() => {
    checkCancel().catch((error: unknown) => {
      if (controller.signal.aborted && error === controller.signal.reason) return;
      logger.warn({ runId, attempt: run.attempts, err: error }, 'run heartbeat failed; trying again at the next beat');
      deps.metrics?.backgroundError('heartbeat');
    });
  }, deps.options.heartbeatMs);
  heartbeat.unref();

  const done = new Map((await heal('bookkeeping', () => listRunStreams(db, [run.id]))).map((s) => [s.stream, s]));
  const failures: { stream: string; message: string; kind: string }[] = [];
  try {
    const http = connectionHttp({
      connectionId: connection.id,
      traffic: deps.providerTraffic,
      manifest: entry.manifest,
      config: connection.config,
      secrets,
      allowPrivateHosts: deps.options.allowPrivateHosts,
      allowedHosts: deps.options.allowedHosts,
      signal: controller.signal,
      metrics: deps.metrics,
      timeoutMs: deps.options.requestTimeoutMs,
      refresh: refreshAfterUnauthorized(deps, connection.id, log, (fresh) => secretList.push(...secretValues(entry.manifest, fresh))),
      onRetry: (n, delayMs, reason) => log('warn', `Retrying a request (attempt ${n}) in ${delayMs} ms: ${describeError(reason, secretList, 200)}`),
    });
    for (const streamName of run.streams) {
      const previous = done.get(streamName);
      if (previous?.status === 'COMPLETED') continue;
      if (deps.shutdown?.requested) throw new RunHandedBackError();
      const stream = deps.catalog.stream(connection.connectorId, streamName);
      const mode: SyncMode = run.mode === 'incremental' && stream.sync_modes.includes('incremental') ? 'incremental' : 'full_refresh';
      const startState: StreamState | null =
        (previous?.state as StreamState | null | undefined) ?? (mode === 'incremental' ? await heal('bookkeeping', () => getStreamState(db, connection.id, streamName)) : null);
      await heal('bookkeeping', () => upsertRunStream(db, { runId: run.id, stream: streamName, status: 'RUNNING', startedAt: new Date() }));
      const table = { schema: workspace.dataSchema, table: connectionTableName(connection, streamName) };
      await heal('bookkeeping', () => ensureRecordTable(db, table));
      log('info', `Stream ${streamName}: ${mode}${startState ? ', from a saved cursor' : ''}`);
      try {
        await syncStream({
          db,
          options: deps.options,
          runId: run.id,
          connectionId: connection.id,
          table,
          stream,
          reader: entry.streams[streamName]!,
          mode,
          startState,
          checkpoint: () => checkCancel(true),
          stopRequested: () => deps.shutdown?.requested ?? false,
          counted: (counts) => deps.metrics?.recordsSynced(connection.connectorId, streamName, counts),
          onDbFault,
          context: {
            config: connection.config,
            http,
            signal: controller.signal,
            log: (level, message, data) => log(level, `${streamName}: ${message}`, data),
          },
        });
        log('info', `Stream ${streamName} completed`);
      } catch (error) {
        if (isCancellation(error, controller.signal) || controller.signal.reason instanceof RunSupersededError || isHandBack(error, controller.signal)) throw error;
        const kind = errorKind(error);
        const message = describeError(error, secretList);
        if (kind === 'transient' && !attempt.final) {
          log('warn', `Stream ${streamName} hit a transient error; the run will be retried and resume: ${message}`);
          reportHealed();
          return { status: 'RETRY', runId: run.id, error: message };
        }
        log('error', `Stream ${streamName} failed (${kind}): ${message}`);
        await heal('bookkeeping', () => finishRunStream(db, run.id, streamName, { status: 'FAILED', error: message }));
        failures.push({ stream: streamName, message, kind });
      }
    }
  } catch (error) {
    if (controller.signal.reason instanceof RunSupersededError) {
      log('warn', 'Another attempt took this run over; stopping this one');
      await Promise.all(pending);
      return { status: 'SKIPPED', runId: run.id };
    }
    if (isCancellation(error, controller.signal)) return finishCancelled(deps, run, log, pending, connection.connectorId);
    if (isHandBack(error, controller.signal)) {
      log('info', 'The worker is shutting down: committed work is kept, and the run goes back to the queue to resume from its checkpoint', { worker: workerId });
      await Promise.all(pending);
      return { status: 'HANDED_BACK', runId: run.id, attempt: run.attempts };
    }
    if (errorKind(error) === 'transient' && !attempt.final) {
      // The database stayed away longer than the retries in place: a later attempt resumes from the checkpoints.
      const message = describeError(error, secretList);
      log('warn', `The run hit a transient error; it will be retried and resume: ${message}`);
      reportHealed();
      return { status: 'RETRY', runId: run.id, error: message };
    }
    return failRun(deps, run, describeError(error, secretList), errorKind(error), log, pending, connection.connectorId);
  } finally {
    clearInterval(heartbeat);
    deps.shutdown?.signal.removeEventListener('abort', stopNow);
  }

  if (failures.length > 0) {
    reportHealed();
    const summary = failures.map((f) => `${f.stream}: ${f.message}`).join('; ');
    return failRun(deps, run, summary.slice(0, 1000), failures[0]!.kind, log, pending, connection.connectorId);
  }
  // Before the run is COMPLETED, so whoever waits for it finds the CRM up to date.
  await projectAfterRun(deps, connection, workspace.dataSchema, run.id, log, () => heal('heartbeat', () => heartbeatRunAttempt(db, run.id, run.attempts)), onDbFault);
  // The connection first: whoever waits for the run to end finds its connection's status up to date. Each step is
  // idempotent (a transition only from RUNNING), so one whose answer was lost is simply sent again.
  await heal('bookkeeping', () =>
    settleConnectionStatus(db, connection.id, 'connected', completedFrom, {
      lastSyncAt: new Date(),
      lastSyncStatus: 'COMPLETED',
      lastSyncError: null,
    }),
  );
  await heal('bookkeeping', () => transitionRun(db, run.id, ['RUNNING'], { status: 'COMPLETED', completedAt: new Date(), error: null }));
  await heal('bookkeeping', () => clearSeen(db, run.id));
  reportHealed();
  log('info', 'Run completed');
  await Promise.all(pending);
  return { status: 'COMPLETED', runId: run.id, connector: connection.connectorId };
}

type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

async function failRun(deps: EngineDeps, run: RunRow, message: string, kind: string, log: Log, pending: Promise<unknown>[], connector?: string): Promise<RunOutcome> {
  log('error', `Run failed: ${message}`);
  await noteSyncFailure(deps, run.connectionId, run.id, message);
  // Streams and connection before the run itself, so whoever waits for the run to end sees them settled. A
  // pending connection stays pending (its credentials were never proven), with the failure as its reason. Each is
  // idempotent, retried in place after a transient database failure (retry-transient.ts).
  await retryTransient(() => closeRunStreams(deps.db, run.id, run.streams, 'FAILED', 'SKIPPED', message), deps.options.dbRetry);
  await retryTransient(
    () =>
      settleConnectionStatus(deps.db, run.connectionId, 'error', failedFrom, {
        lastSyncAt: new Date(),
        lastSyncStatus: 'FAILED',
        lastSyncError: message.slice(0, 500),
      }),
    deps.options.dbRetry,
  );
  await retryTransient(() => transitionRun(deps.db, run.id, ['PENDING', 'RUNNING'], { status: 'FAILED', error: message, errorKind: kind, completedAt: new Date() }), deps.options.dbRetry);
  // A failed run never deletes: its seen-set is dropped, not applied.
  await retryTransient(() => clearSeen(deps.db, run.id), deps.options.dbRetry);
  await Promise.all(pending);
  return { status: 'FAILED', runId: run.id, ...(connector ? { connector } : {}) };
}

async function finishCancelled(deps: EngineDeps, run: RunRow, log: Log, pending: Promise<unknown>[], connector?: string): Promise<RunOutcome> {
  log('info', 'Run cancelled; committed work is kept');
  // Idempotent statements, retried in place after a transient database failure, as a failed run's are.
  const retry = deps.options.dbRetry;
  await retryTransient(() => closeRunStreams(deps.db, run.id, run.streams, 'CANCELLED', 'CANCELLED'), retry);
  // Only a connection this run had put in `syncing` goes back to connected: one disconnected meanwhile stays so.
  await retryTransient(() => settleConnectionStatus(deps.db, run.connectionId, 'connected', ['syncing'], { lastSyncStatus: 'CANCELLED' }), retry);
  await retryTransient(() => transitionRun(deps.db, run.id, ['PENDING', 'RUNNING'], { status: 'CANCELLED', completedAt: new Date() }), retry);
  await retryTransient(() => clearSeen(deps.db, run.id), retry);
  await Promise.all(pending);
  return { status: 'CANCELLED', runId: run.id, ...(connector ? { connector } : {}) };
}
