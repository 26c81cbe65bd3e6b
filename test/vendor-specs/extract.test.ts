import { describe, expect, it } from 'vitest';
import { subsetOf } from './extract.js';

describe('subsetOf', () => {
  const document = {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    paths: {
      '/a': {
        parameters: [{ $ref: '#/components/parameters/p' }],
        get: { responses: { '200': { $ref: '#/components/responses/ok' } } },
        post: { responses: { '201': { description: 'x', content: { 'application/json': { schema: { $ref: '#/components/schemas/unused' } } } } } },
      },
      '/b': { get: { responses: { '200': { description: 'x' } } } },
    },
    components: {
      parameters: { p: { name: 'p', in: 'query', schema: { $ref: '#/components/schemas/s1' } } },
      responses: { ok: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/s2' } } } } },
      schemas: {
        s1: { type: 'string' },
        s2: { type: 'object', properties: { child: { $ref: '#/components/schemas/s3' } } },
        s3: { type: 'integer' },
        unused: { type: 'object' },
      },
    },
  };

  it('keeps the chosen operations with their path-level parameters and every component they reach, unchanged', () => {
    const subset = subsetOf(document, ['GET /a'], 'src');
    expect(Object.keys(subset.paths as object)).toEqual(['/a']);
    expect(Object.keys((subset.paths as Record<string, object>)['/a']!)).toEqual(['parameters', 'get']);
    expect(subset.components).toEqual({
      parameters: document.components.parameters,
      responses: document.components.responses,
      schemas: { s1: document.components.schemas.s1, s2: document.components.schemas.s2, s3: document.components.schemas.s3 },
    });
    expect(subset['x-subset-of']).toEqual({ source: 'src', operations: ['GET /a'] });
    expect(subset.servers).toEqual(document.servers);
  });

  it('refuses an operation the document does not have', () => {
    expect(() => subsetOf(document, ['DELETE /a'])).toThrow(/no operation DELETE \/a/);
  });
});
