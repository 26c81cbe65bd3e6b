import {
  crmEntities,
  linkKeyFields,
  type CrmCondition,
  type CrmFieldSource,
  type CrmFieldType,
  type CrmMapping,
  type CrmTransform,
  type CrmValueSource,
} from '../contracts/crm.js';
import { domainLabel, emailCompanyDomain, emailDisplayName, normalizeDomain, normalizeEmail } from './crm-normalize.js';

/**
 * What one mapping makes of one source record: zero or more entity drafts (one per `each` element), each with
 * its canonical fields typed and normalized, its link keys, its custom fields, and a source key that says which
 * mapping (and element) produced it, so that the same record always lands on the same provenance row.
 */
export interface EntityDraft {
  sourceKey: string;
  /** Canonical columns and link keys (`company_domain`, `contact_email`), nulls included. */
  fields: Record<string, unknown>;
  custom: Record<string, unknown>;
  /** The normalized merge key (companies: domain, contacts: email), when the entity has one and it is known. */
  mergeKey: string | null;
}

export function draftsOf(mapping: CrmMapping, record: Record<string, unknown>): EntityDraft[] {
  if (!mapping.each) {
    if (mapping.when && !conditionHolds(mapping.when, record, record)) return [];
    const draft = draftOf(mapping, record, record, mapping.name);
    return draft ? [draft] : [];
  }
  const items = valueAt(record, mapping.each, record);
  if (!Array.isArray(items)) return [];
  const drafts: EntityDraft[] = [];
  items.forEach((item, index) => {
    if (item === null || typeof item !== 'object') return;
    // With `each`, `when` tests every element (its paths relative to it; `$.` reaches the record).
    if (mapping.when && !conditionHolds(mapping.when, item as Record<string, unknown>, record)) return;
    const draft = draftOf(mapping, item as Record<string, unknown>, record, `${mapping.name}#${index}`);
    if (draft) drafts.push(draft);
  });
  return drafts;
}

function draftOf(mapping: CrmMapping, scope: Record<string, unknown>, root: Record<string, unknown>, sourceKey: string): EntityDraft | null {
  const def = crmEntities[mapping.entity];
  const fields: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  let meaningful = false;
  for (const [name, source] of Object.entries(mapping.fields)) {
    const raw = evaluate(source, scope, root);
    if (name.startsWith('custom.')) {
      if (raw !== null) custom[name.slice('custom.'.length)] = raw;
      continue;
    }
    const type: CrmFieldType = def.fields[name] ?? 'text';
    let value = coerce(raw, type);
    if (name === 'domain' || name === linkKeyFields.company) value = typeof value === 'string' ? normalizeDomain(value) : null;
    if (name === 'email' || name === linkKeyFields.contact) value = typeof value === 'string' ? normalizeEmail(value) : null;
    fields[name] = value;
    if (value !== null && name !== linkKeyFields.company && name !== linkKeyFields.contact) meaningful = true;
  }
  if (mapping.entity === 'contacts' && fields['name'] == null && (fields['first_name'] != null || fields['last_name'] != null)) {
    fields['name'] = [fields['first_name'], fields['last_name']].filter((v) => v != null).join(' ');
  }
  // Link keys alone make no entity: a draft with nothing of its own is dropped.
  if (!meaningful) return null;
  const mergeKey = def.mergeKey ? ((fields[def.mergeKey] as string | null | undefined) ?? null) : null;
  return { sourceKey, fields, custom, mergeKey };
}

function evaluate(source: CrmFieldSource, scope: Record<string, unknown>, root: Record<string, unknown>): unknown {
  const alternatives = Array.isArray(source) ? source : [source];
  for (const alternative of alternatives) {
    const value = evaluateOne(alternative, scope, root);
    if (!isEmpty(value)) return value;
  }
  return null;
}

function evaluateOne(source: CrmValueSource, scope: Record<string, unknown>, root: Record<string, unknown>): unknown {
  if (typeof source === 'string') return valueAt(scope, source, root) ?? null;
  if (source.when && !conditionHolds(source.when, scope, root)) return null;
  let value: unknown = source.const !== undefined ? source.const : (valueAt(scope, source.path!, root) ?? null);
  const transforms = source.transform === undefined ? [] : Array.isArray(source.transform) ? source.transform : [source.transform];
  for (const t of transforms) {
    if (isEmpty(value)) return null;
    value = applyTransform(t, value);
  }
  return value;
}

/** `a.b.0.c`; `$.x` reads from the record's root (inside `each`). Keys holding dots are not addressable. */
export function valueAt(scope: unknown, path: string, root: unknown): unknown {
  let current: unknown = scope;
  let rest = path;
  if (path === '$') return root;
  if (path.startsWith('$.')) {
    current = root;
    rest = path.slice(2);
  }
  for (const key of rest.split('.')) {
    if (current === null || current === undefined) return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return undefined;
      current = current[Number(key)];
    } else if (typeof current === 'object') {
      current = (current as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return current;
}

function conditionHolds(condition: CrmCondition, scope: Record<string, unknown>, root: Record<string, unknown>): boolean {
  const value = valueAt(scope, condition.path, root);
  let holds: boolean;
  if (condition.equals !== undefined) holds = value === condition.equals;
  else if (condition.contains !== undefined) {
    holds = Array.isArray(value) ? value.includes(condition.contains) : typeof value === 'string' && value.includes(String(condition.contains));
  } else holds = !isEmpty(value);
  return condition.not ? !holds : holds;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

function applyTransform(transform: CrmTransform, value: unknown): unknown {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
  switch (transform) {
    case 'lower':
      return text?.toLowerCase() ?? null;
    case 'upper':
      return text?.toUpperCase() ?? null;
    case 'trim':
      return text?.trim() ?? null;
    case 'string':
      return text ?? (typeof value === 'object' ? JSON.stringify(value) : null);
    case 'number': {
      const n = typeof value === 'number' ? value : text === null ? NaN : Number(text);
      return Number.isFinite(n) ? n : null;
    }
    case 'email':
      return text === null ? null : normalizeEmail(text);
    case 'email_name':
      return text === null ? null : emailDisplayName(text);
    case 'email_domain':
      return text === null ? null : emailCompanyDomain(text);
    case 'domain':
      return text === null ? null : normalizeDomain(text);
    case 'domain_label':
      return text === null ? null : domainLabel(text);
    case 'first_name':
      return text?.trim().split(/\s+/)[0] || null;
    case 'last_name':
      return text?.trim().split(/\s+/).slice(1).join(' ') || null;
    case 'cents_to_amount': {
      const n = Number(text);
      return text !== null && Number.isFinite(n) ? Math.round(n) / 100 : null;
    }
    case 'unix_to_timestamp':
      return text === null ? null : isoOf(Number(text) * 1000);
    case 'ms_to_timestamp':
      return text === null ? null : isoOf(Number(text));
    case 'timestamp':
      return text === null ? null : isoOf(Date.parse(text));
  }
}

function isoOf(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A mapped value as the column's type wants it; what does not fit becomes null rather than failing the row. */
function coerce(value: unknown, type: CrmFieldType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'json':
      return value;
    case 'text':
      if (typeof value === 'string') return value.length > 10_000 ? value.slice(0, 10_000) : value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return JSON.stringify(value).slice(0, 10_000);
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      return Number.isFinite(n) ? n : null;
    }
    case 'integer': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      return Number.isFinite(n) ? Math.trunc(n) : null;
    }
    case 'timestamp':
      if (typeof value === 'number') return isoOf(value > 1e11 ? value : value * 1000);
      return typeof value === 'string' ? isoOf(Date.parse(value)) : null;
  }
}
