import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, retryTransient } from '../db/retry-transient.js';
import { transientDbReason } from './transient-error.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const wrapped = (cause: Error) => new DrizzleQueryError('insert into t values ($1)', ['secret payload'], cause);

describe('transientDbReason', () => {
  it.each([
    ['57P01', wrapped(pgError('57P01', 'terminating connection due to administrator command'))],
    ['57P03', pgError('57P03', 'the database system is starting up')],
    ['08006', wrapped(pgError('08006'))],
    ['40001', pgError('40001')],
    ['40P01', wrapped(pgError('40P01', 'deadlock detected'))],
    ['ECONNRESET', wrapped(pgError('ECONNRESET', 'read ECONNRESET'))],
    ['ECONNREFUSED', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection_lost', wrapped(new Error('Connection terminated unexpectedly'))],
    ['connection_lost', wrapped(new Error('Client has encountered a connection error and is not queryable'))],
  ])('%s is transient', (reason, error) => {
    expect(transientDbReason(error)).toBe(reason);
  });

  it.each([
    ['a unique violation', wrapped(pgError('23505', 'duplicate key value'))],
    ['a type error', pgError('22P02')],
    ['a missing column', pgError('42703')],
    ['our own shutdown', new Error('Connection terminated')],
    ['a closed PGlite', new Error('PGlite is closed')],
    ['a bug', new TypeError('cannot read properties of undefined')],
  ])('%s is not', (_, error) => {
    expect(transientDbReason(error)).toBeNull();
  });
});

describe('retryTransient', () => {
  const fast = { baseDelayMs: 1, maxDelayMs: 2 };

  it('retries a transient failure, and reports each one', async () => {
    let calls = 0;
    const retries: string[] = [];
    const result = await retryTransient(
      async () => {
        if (++calls < 3) throw wrapped(pgError('57P01'));
        return 'ok';
      },
      { ...fast, onRetry: (info) => retries.push(`${info.attempt}:${info.reason}`) },
    );
    expect(result).toBe('ok');
    expect(retries).toEqual(['1:57P01', '2:57P01']);
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    const error = wrapped(pgError('23505'));
    const fail = async (): Promise<never> => {
      calls++;
      throw error;
    };
    await expect(retryTransient(fail, fast)).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('gives up after the attempts with a transient DatabaseUnavailableError that says why, without the statement', async () => {
    const failure = retryTransient(async () => Promise.reject(wrapped(new Error('Connection terminated unexpectedly'))), { ...fast, attempts: 3 });
    await expect(failure).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(failure).rejects.toMatchObject({ kind: 'transient', message: 'database unavailable (connection_lost) after 3 attempts' });
  });

  it('does not send a write again when `landed` finds it committed', async () => {
    let sent = 0;
    const result = await retryTransient(
      async () => {
        sent++;
        throw wrapped(new Error('Connection terminated unexpectedly'));
      },
      { ...fast, landed: async () => 'landed' },
    );
    expect(result).toBe('landed');
    expect(sent).toBe(1);
  });

  it('sends it again when `landed` finds nothing, and asks again when asking meets the outage too', async () => {
    let sent = 0;
    let asked = 0;
    const result = await retryTransient(
      async () => {
        if (++sent === 1) throw pgError('57P01');
        return 'written';
      },
      {
        ...fast,
        landed: async () => {
          if (++asked === 1) throw pgError('ECONNREFUSED');
          return undefined;
        },
      },
    );
    expect(result).toBe('written');
    expect({ sent, asked }).toEqual({ sent: 2, asked: 2 });
  });
});
