/**
 * What an operator needs to act on an unexpected failure, and nothing that may hold a secret.
 *
 * Drizzle's query errors quote the statement's parameters (credentials, payloads) in their message; the database
 * error underneath has the message, SQLSTATE and the table, column or constraint involved. So the log gets the
 * database error's fields when there is one, and otherwise the error's message cut before any `params:` part.
 */
export interface FailureLogFields {
  name: string;
  message: string;
  /** SQLSTATE, e.g. `22P05` (untranslatable character), `22008` (datetime out of range). */
  sqlstate?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

interface DatabaseErrorLike {
  code: string;
  message: string;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

function databaseErrorIn(error: unknown): DatabaseErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as Partial<DatabaseErrorLike> & { cause?: unknown };
    if (typeof candidate.code === 'string' && SQLSTATE.test(candidate.code) && typeof candidate.message === 'string') return candidate as DatabaseErrorLike;
    current = candidate.cause;
  }
  return undefined;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function failureLogFields(error: unknown): FailureLogFields {
  const name = error instanceof Error ? error.name : typeof error;
  const database = databaseErrorIn(error);
  if (database) {
    const fields: FailureLogFields = { name, message: database.message, sqlstate: database.code };
    const table = text(database.table);
    const column = text(database.column);
    const constraint = text(database.constraint);
    if (table) fields.table = table;
    if (column) fields.column = column;
    if (constraint) fields.constraint = constraint;
    return fields;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name, message: message.split('\nparams:')[0]!.slice(0, 1000) };
}
