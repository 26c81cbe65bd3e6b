/**
 * The merge keys of the canonical CRM model: a company is its normalized domain, a contact its lower-cased
 * email. The same functions serve synced records and API writes, so both land on the same key.
 */

/** Mailbox providers: an address there says nothing about the company the person works for. */
const freeMailDomains = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'ymail.com', 'hotmail.com', 'hotmail.co.uk',
  'hotmail.fr', 'outlook.com', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me',
  'protonmail.com', 'pm.me', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'yandex.ru', 'yandex.com', 'mail.ru',
  'zoho.com', 'qq.com', '163.com', '126.com', 'hey.com', 'fastmail.com', 'tutanota.com', 'mail.com', 'inbox.com',
]);

export function isFreeMailDomain(domain: string): boolean {
  return freeMailDomains.has(domain.toLowerCase());
}

/** `https://www.Acme.com:443/about` → `acme.com`; null when nothing domain-like is left. */
export function normalizeDomain(value: string): string | null {
  let host = value.trim().toLowerCase();
  if (host.includes('@')) host = host.slice(host.lastIndexOf('@') + 1);
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  host = host.split(/[/?#]/, 1)[0] ?? '';
  host = host.replace(/:\d+$/, '').replace(/\.$/, '').replace(/^www\./, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/** The address in `Name <addr@host>` or a bare address, lower-cased; the first one of a list. */
export function normalizeEmail(value: string): string | null {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  const candidate = angle ? angle[1]! : (/[^\s<>,;"']+@[^\s<>,;"']+/.exec(value)?.[0] ?? '');
  const email = candidate.trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? email : null;
}

/** The company domain an email address implies, or null for free-mail providers. */
export function emailCompanyDomain(value: string): string | null {
  const email = normalizeEmail(value);
  if (!email) return null;
  const domain = normalizeDomain(email.slice(email.indexOf('@') + 1));
  return domain && !isFreeMailDomain(domain) ? domain : null;
}

/** The display name of `"Jane Smith" <jane@x.com>`; null for a bare address. */
export function emailDisplayName(value: string): string | null {
  const first = value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/, 1)[0] ?? '';
  const match = /^\s*"?([^"<]*?)"?\s*<[^>]*>/.exec(first);
  const name = match?.[1]?.trim();
  return name ? name : null;
}

/** `acme-corp.co.uk` → `Acme Corp`: the first label, words capitalised. */
export function domainLabel(domain: string): string {
  const label = domain.split('.')[0] ?? domain;
  return label
    .split(/[-_]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
