import { describe, expect, it } from 'vitest';
import { subsetOf } from './extract.js';
import { swagger2ToOpenApi3 } from './swagger2-to-openapi3.js';

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

describe('swagger2ToOpenApi3', () => {
  it('moves servers, definitions, parameter types, form data and response schemas to their 3.0 places', () => {
    const converted = swagger2ToOpenApi3({
      swagger: '2.0',
      info: { title: 't', version: '1' },
      host: 'slack.com',
      basePath: '/api',
      schemes: ['https'],
      paths: {
        '/m.list': {
          get: {
            parameters: [
              { name: 'limit', in: 'query', type: 'integer', minimum: 1 },
              { name: 'ids', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'multi' },
              { name: 'token', in: 'header', type: 'string', required: true },
            ],
            responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/thing' } } },
          },
          post: {
            consumes: ['application/x-www-form-urlencoded'],
            parameters: [{ name: 'name', in: 'formData', type: 'string', required: true }],
            responses: { default: { description: 'error' } },
          },
        },
      },
      definitions: { thing: { type: 'object', properties: { id: { type: 'string' } } } },
    });
    expect(converted.servers).toEqual([{ url: 'https://slack.com/api' }]);
    expect(converted.components).toEqual({ schemas: { thing: { type: 'object', properties: { id: { type: 'string' } } } } });
    const path = (converted.paths as Record<string, Record<string, Record<string, unknown>>>)['/m.list']!;
    expect(path['get']!['parameters']).toEqual([
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
      { name: 'ids', in: 'query', schema: { type: 'array', items: { type: 'string' } }, explode: true },
      { name: 'token', in: 'header', required: true, schema: { type: 'string' } },
    ]);
    expect(path['get']!['responses']).toEqual({ '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/thing' } } } } });
    expect(path['post']!['requestBody']).toEqual({
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
    });
  });
});
