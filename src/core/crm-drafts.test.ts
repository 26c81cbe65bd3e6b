import { describe, expect, it } from 'vitest';
import { CrmMappingListSchema, CrmMappingSchema, type CrmMappingInput } from '../contracts/crm.js';
import { draftsOf } from './crm-drafts.js';
import { emailCompanyDomain, emailDisplayName, normalizeDomain, normalizeEmail } from './crm-normalize.js';

const parse = (input: CrmMappingInput) => CrmMappingSchema.parse(input);

describe('CRM merge keys', () => {
  it('normalizes domains, emails and display names', () => {
    expect(normalizeDomain('https://www.Acme.com:443/about?x=1')).toBe('acme.com');
    expect(normalizeDomain('ACME.co.uk.')).toBe('acme.co.uk');
    expect(normalizeDomain('jane@acme.com')).toBe('acme.com');
    expect(normalizeDomain('not a domain')).toBeNull();
    expect(normalizeEmail('"Smith, Jane" <Jane.Smith@Acme.COM>, bob@x.org')).toBe('jane.smith@acme.com');
    expect(normalizeEmail('nobody')).toBeNull();
    expect(emailDisplayName('"Smith, Jane" <jane@acme.com>')).toBe('Smith, Jane');
    expect(emailDisplayName('Mei Chen <mei@acme.example>')).toBe('Mei Chen');
    expect(emailDisplayName('mei@acme.example')).toBeNull();
  });

  it('derives no company from free-mail addresses', () => {
    expect(emailCompanyDomain('jane@gmail.com')).toBeNull();
    expect(emailCompanyDomain('Jane <jane@Outlook.com>')).toBeNull();
    expect(emailCompanyDomain('jane@mail.acme.io')).toBe('mail.acme.io');
  });
});

describe('CRM mapping evaluation', () => {
  it('reads paths, first non-empty alternatives, constants and transforms', () => {
    const mapping = parse({
      name: 'invoice',
      stream: 'invoices',
      entity: 'invoices',
      fields: {
        number: ['number', 'id'],
        total: { path: 'total', transform: 'cents_to_amount' },
        issued_at: { path: 'created', transform: 'unix_to_timestamp' },
        currency: { path: 'currency', transform: 'upper' },
        status: { const: 'open' },
        contact_email: { path: 'customer_email', transform: 'email' },
        company_domain: { path: 'customer_email', transform: 'email_domain' },
        'custom.lines': 'lines.data.0.description',
      },
    });
    const [draft] = draftsOf(mapping, {
      id: 'in_1',
      number: '',
      total: 1999,
      created: 1_700_000_000,
      currency: 'usd',
      customer_email: 'Jane <JANE@Acme.com>',
      lines: { data: [{ description: '2 × Team' }] },
    });
    expect(draft).toEqual({
      sourceKey: 'invoice',
      mergeKey: null,
      fields: {
        number: 'in_1',
        total: 19.99,
        issued_at: '2023-11-14T22:13:20.000Z',
        currency: 'USD',
        status: 'open',
        contact_email: 'jane@acme.com',
        company_domain: 'acme.com',
      },
      custom: { lines: '2 × Team' },
    });
  });

  it('applies conditions to mappings and to sources, and drops drafts with nothing of their own', () => {
    const sent = { path: 'labelIds', contains: 'SENT' } as const;
    const mappings = CrmMappingListSchema.parse([
      { name: 'sender', stream: 'messages', entity: 'contacts', when: { ...sent, not: true }, fields: { email: { path: 'from', transform: 'email' }, name: { path: 'from', transform: 'email_name' } } },
      { name: 'company', stream: 'messages', entity: 'companies', fields: { domain: { path: 'from', transform: 'email_domain' } } },
      {
        name: 'activity',
        stream: 'messages',
        entity: 'activities',
        fields: { activity_type: { const: 'email' }, contact_email: [{ path: 'to', transform: 'email', when: sent }, { path: 'from', transform: 'email' }] },
      },
    ]);
    const received = { from: 'Mei Chen <mei@acme.example>', to: 'me@gmail.com', labelIds: ['INBOX'] };
    const outgoing = { from: 'me@gmail.com', to: 'Mei Chen <mei@acme.example>', labelIds: ['SENT'] };
    expect(draftsOf(mappings[0]!, received)[0]).toMatchObject({ mergeKey: 'mei@acme.example', fields: { name: 'Mei Chen', email: 'mei@acme.example' } });
    expect(draftsOf(mappings[0]!, outgoing)).toEqual([]);
    // A free-mail sender makes no company.
    expect(draftsOf(mappings[1]!, outgoing)).toEqual([]);
    expect(draftsOf(mappings[1]!, received)[0]?.mergeKey).toBe('acme.example');
    expect(draftsOf(mappings[2]!, outgoing)[0]?.fields['contact_email']).toBe('mei@acme.example');
    expect(draftsOf(mappings[2]!, received)[0]?.fields['contact_email']).toBe('mei@acme.example');
  });

  it('makes one draft per element with each, filtered per element, with $. reaching the record', () => {
    const mapping = parse({
      name: 'attendee',
      stream: 'events',
      entity: 'contacts',
      each: 'attendees',
      when: { path: 'resource', equals: true, not: true },
      fields: { email: 'email', name: 'displayName', 'custom.event': '$.id' },
    });
    const drafts = draftsOf(mapping, {
      id: 'ev1',
      attendees: [{ email: 'A@x.com', displayName: 'Ann Lee' }, { email: 'room@resource.calendar.google.com', resource: true }, { email: 'b@y.com' }],
    });
    expect(drafts.map((d) => [d.sourceKey, d.mergeKey, d.custom['event']])).toEqual([
      ['attendee#0', 'a@x.com', 'ev1'],
      ['attendee#2', 'b@y.com', 'ev1'],
    ]);
  });

  it('rejects unknown fields, bad paths and duplicate names', () => {
    expect(CrmMappingSchema.safeParse({ name: 'x', stream: 's', entity: 'companies', fields: { colour: 'c' } }).success).toBe(false);
    expect(CrmMappingSchema.safeParse({ name: 'x', stream: 's', entity: 'companies', fields: { name: 'a..b' } }).success).toBe(false);
    expect(CrmMappingSchema.safeParse({ name: 'x', stream: 's', entity: 'companies', fields: { name: { path: 'a', const: 'b' } } }).success).toBe(false);
    expect(CrmMappingSchema.safeParse({ name: 'x', stream: 's', entity: 'companies', fields: { name: { path: 'a', transform: 'rot13' } } }).success).toBe(false);
    const twice = { name: 'x', stream: 's', entity: 'companies', fields: { name: 'a' } };
    expect(CrmMappingListSchema.safeParse([twice, twice]).success).toBe(false);
  });
});
