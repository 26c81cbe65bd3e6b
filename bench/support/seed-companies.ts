import type { Api } from './tributary.js';

/**
 * CRM companies for the MCP scenario's search: the GitHub sandbox's data projects no companies (its default
 * mapping makes pull requests activities), so a search over it would measure an empty table. Names and domains are
 * deterministic: each of `brands` appears in one company of `brands.length`, so a search for one brand matches about
 * `count / brands.length` companies (a full page of 20 at the default count) out of `count`.
 */
export const brands = ['Northwind', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Cyberdyne', 'Tyrell', 'Soylent', 'Wonka', 'Vandelay'] as const;
const kinds = ['Labs', 'Systems', 'Holdings', 'Analytics', 'Logistics', 'Foods', 'Studios'] as const;

/** Creates `count` companies through `POST /api/v1/companies`, `lanes` requests at a time; returns how long it took. */
export async function seedCompanies(api: Api, count: number, lanes = 8): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) {
        const i = next++;
        const brand = brands[i % brands.length]!;
        const kind = kinds[Math.floor(i / brands.length) % kinds.length]!;
        await api.request('POST', '/companies', {
          name: `${brand} ${kind} ${i}`,
          domain: `${brand.toLowerCase()}-${kind.toLowerCase()}-${i}.example`,
          company_type: i % 3 === 0 ? 'customer' : 'prospect',
          description: `Seeded by the benchmark: company ${i} of ${count}.`,
        });
      }
    }),
  );
  return performance.now() - started;
}
