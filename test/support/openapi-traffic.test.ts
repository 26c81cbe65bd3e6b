import { describe, expect, it } from 'vitest';
import { OpenApiTrafficValidator, type TrafficExchange } from './openapi-traffic.js';

/** The traffic validator against small hand-written documents: each kind of violation is caught, clean traffic passes. */

const spec30 = {
  openapi: '3.0.3',
  servers: [{ url: 'https://api.example.com/api' }],
  paths: {
    '/repos/{owner}/{repo}/issues': {
      parameters: [{ $ref: '#/components/parameters/owner' }, { name: 'repo', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: 'issues/list',
        parameters: [
          { $ref: '#/components/parameters/per-page' },
          { name: 'state', in: 'query', schema: { type: 'string', enum: ['open', 'closed', 'all'] } },
          { name: 'labels', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'ids', in: 'query', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
          {
            name: 'created',
            in: 'query',
            style: 'deepObject',
            explode: true,
            schema: { anyOf: [{ type: 'object', properties: { gt: { type: 'integer' }, lte: { type: 'integer' } }, additionalProperties: false }, { type: 'integer' }] },
          },
          { name: 'expand', in: 'query', style: 'deepObject', explode: true, schema: { type: 'array', items: { type: 'string' } } },
          { name: 'X-Api-Version', in: 'header', required: true, schema: { type: 'string', enum: ['2022-11-28'] } },
        ],
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/issue' } } } } },
          default: { $ref: '#/components/responses/error' },
        },
      },
      post: {
        operationId: 'issues/create',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } } },
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: { title: { type: 'string' }, count: { type: 'integer' }, metadata: { type: 'object', additionalProperties: { type: 'string' } } },
              },
            },
          },
        },
        responses: { '201': { description: 'created' } },
      },
    },
    '/user': { get: { operationId: 'users/me', responses: { '2XX': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/user' } } } } } } },
    '/user/{id}': { get: { operationId: 'users/get', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { '200': { description: 'ok' } } } },
  },
  components: {
    parameters: {
      owner: { name: 'owner', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } },
      'per-page': { name: 'per_page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
    },
    responses: { error: { description: 'error', content: { 'application/json': { schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } } } } },
    schemas: {
      user: { type: 'object', required: ['login'], properties: { login: { type: 'string' }, email: { type: 'string', nullable: true }, kind: { type: 'string', enum: ['user', 'bot'], nullable: true } } },
      issue: {
        type: 'object',
        required: ['number', 'user'],
        properties: {
          number: { type: 'integer' },
          closed_at: { type: 'string', format: 'date-time', nullable: true },
          user: { anyOf: [{ $ref: '#/components/schemas/user' }], nullable: true },
        },
      },
    },
  },
};

function exchange(overrides: Partial<TrafficExchange>): TrafficExchange {
  return {
    method: 'GET',
    path: '/api/repos/acme/widgets/issues',
    query: '',
    requestHeaders: { 'x-api-version': '2022-11-28', authorization: '[redacted]' },
    requestBody: '',
    status: 200,
    responseHeaders: { 'content-type': 'application/json; charset=utf-8' },
    responseBody: JSON.stringify([{ number: 1, closed_at: null, user: null }, { number: 2, closed_at: '2024-01-02T03:04:05Z', user: { login: 'ada', email: null, kind: null } }]),
    ...overrides,
  };
}

describe('OpenApiTrafficValidator (OpenAPI 3.0)', () => {
  const validator = new OpenApiTrafficValidator(spec30);

  it('passes a request and response the document allows (base path stripped, nullable, deepObject, arrays, $refs)', () => {
    const query = 'per_page=100&state=open&labels=bug&labels=ui&ids=1,2,3&created%5Bgt%5D=1700000000&expand%5B%5D=data.user&expand%5B%5D=data.owner';
    expect(validator.validate(exchange({ query }))).toEqual([]);
    expect(validator.validate(exchange({ query: 'created=1700000000' }))).toEqual([]);
    expect(validator.validate(exchange({ path: '/api/user', requestHeaders: {}, responseBody: '{"login":"ada"}' }))).toEqual([]);
  });

  it('matches an aliased path as the documented one it stands for, and still checks it', () => {
    const aliased = new OpenApiTrafficValidator(spec30, { pathAliases: [{ pattern: /^\/repositories\/(\d+)\//, replacement: '/repos/id/$1/', why: 'test' }] });
    expect(aliased.validate(exchange({ path: '/api/repositories/42/issues', query: 'per_page=5' }))).toEqual([]);
    expect(aliased.validate(exchange({ path: '/api/repositories/42/issues', query: 'page=2' }))[0]).toMatch(/query parameter "page" is not declared/);
    expect(validator.validate(exchange({ path: '/api/repositories/42/issues' }))[0]).toMatch(/no operation in the document matches/);
  });

  it('reports a request no operation matches, by path and by method', () => {
    expect(validator.validate(exchange({ path: '/api/repos/acme/widgets/pulls' }))).toEqual([
      'GET /api/repos/acme/widgets/pulls: no operation in the document matches GET /repos/acme/widgets/pulls',
    ]);
    expect(validator.validate(exchange({ method: 'DELETE' }))[0]).toMatch(/no operation in the document matches DELETE/);
  });

  it('reports an undeclared query parameter', () => {
    expect(validator.validate(exchange({ query: 'per_page=10&since=2024-01-01' }))).toEqual([
      'GET /api/repos/acme/widgets/issues (issues/list): query parameter "since" is not declared',
    ]);
  });

  it('reports a missing required header and a missing required query parameter', () => {
    expect(validator.validate(exchange({ requestHeaders: {} }))).toEqual(['GET /api/repos/acme/widgets/issues (issues/list): required header "X-Api-Version" is missing']);
    const required = structuredClone(spec30);
    (required.paths['/repos/{owner}/{repo}/issues'].get.parameters[1] as Record<string, unknown>).required = true;
    expect(new OpenApiTrafficValidator(required).validate(exchange({}))).toEqual([
      'GET /api/repos/acme/widgets/issues (issues/list): required query parameter "state" is missing',
    ]);
  });

  it('reports parameter values that fail their schema: integer, range, enum, array items, deepObject, path, header', () => {
    const violations = (query: string, extra: Partial<TrafficExchange> = {}) => validator.validate(exchange({ query, ...extra }));
    expect(violations('per_page=ten')[0]).toMatch(/query parameter "per_page" "ten" is invalid: \/value must be integer/);
    expect(violations('per_page=500')[0]).toMatch(/"per_page" "500" is invalid: \/value must be <= 100/);
    expect(violations('state=merged')[0]).toMatch(/"state" "merged" is invalid: \/value must be equal to one of the allowed values/);
    expect(violations('ids=1,x')[0]).toMatch(/"ids" \["1","x"\] is invalid: \/value\/1 must be integer/);
    expect(violations('created%5Bafter%5D=5')[0]).toMatch(/"created" \{"after":"5"\} is invalid/);
    expect(violations('per_page=5&per_page=6')[0]).toMatch(/"per_page" is sent 2 times but is not an array/);
    expect(violations('', { path: '/api/repos/ACME/widgets/issues' })[0]).toMatch(/path parameter "owner" "ACME" is invalid: \/value must match pattern/);
    expect(violations('', { path: '/api/user/abc', requestHeaders: {}, responseBody: '' })[0]).toMatch(/path parameter "id" "abc" is invalid/);
    expect(violations('', { requestHeaders: { 'X-API-Version': '2020-01-01' } })[0]).toMatch(/header "X-Api-Version" "2020-01-01" is invalid/);
  });

  it('reports request bodies that fail their schema (JSON and form), a missing required body, an undeclared content type', () => {
    const post = (body: string, contentType: string) =>
      validator.validate(exchange({ method: 'POST', requestBody: body, requestHeaders: { 'content-type': contentType }, status: 201, responseBody: '' }));
    expect(post('{"title":"x"}', 'application/json')).toEqual([]);
    expect(post('title=x&count=3&metadata%5Bteam%5D=core', 'application/x-www-form-urlencoded')).toEqual([]);
    expect(post('{"body":"x"}', 'application/json')[0]).toMatch(/request body is invalid: \/ must have required property 'title'/);
    expect(post('{"title":', 'application/json')[0]).toMatch(/the request body is not JSON/);
    expect(post('title=x&colour=red', 'application/x-www-form-urlencoded')[0]).toMatch(/request body is invalid: \/ must NOT have additional properties "colour"/);
    expect(post('count=many', 'application/x-www-form-urlencoded')[0]).toMatch(/\/count must be integer/);
    expect(post('', 'application/json')[0]).toMatch(/the required request body is missing/);
    expect(post('<x/>', 'application/xml')[0]).toMatch(/request content type "application\/xml" is not one of/);
    expect(validator.validate(exchange({ requestBody: '{"a":1}', requestHeaders: { 'x-api-version': '2022-11-28', 'content-type': 'application/json' } }))[0]).toMatch(
      /sends a request body, but the operation declares none/,
    );
  });

  it('reports response bodies that fail the schema for their status, `NXX` and `default` included', () => {
    expect(validator.validate(exchange({ responseBody: '[{"number":"1","user":null}]' }))[0]).toMatch(/response 200 body is invalid: \/0\/number must be integer/);
    expect(validator.validate(exchange({ responseBody: '[{"number":1}]' }))[0]).toMatch(/\/0 must have required property 'user'/);
    expect(validator.validate(exchange({ responseBody: '[{"number":1,"user":null,"closed_at":"yesterday"}]' }))[0]).toMatch(/\/0\/closed_at must match format "date-time"/);
    expect(validator.validate(exchange({ responseBody: '[{"number":1,"user":{"login":"a","kind":"robot"}}]' })).join()).toMatch(/\/0\/user\/kind must be equal to one of the allowed values/);
    expect(validator.validate(exchange({ status: 404, responseBody: '{"error":"nope"}' }))[0]).toMatch(/response 404 body is invalid: \/ must have required property 'message'/);
    expect(validator.validate(exchange({ status: 404, responseBody: '{"message":"Not Found"}' }))).toEqual([]);
    expect(validator.validate(exchange({ path: '/api/user', requestHeaders: {}, status: 203, responseBody: '{}' }))[0]).toMatch(/response 203 body is invalid/);
    expect(validator.validate(exchange({ path: '/api/user', requestHeaders: {}, status: 404, responseBody: '{}' }))[0]).toMatch(/response status 404 is not declared \(declares 2XX\)/);
    expect(validator.validate(exchange({ responseBody: 'oops' }))[0]).toMatch(/response 200 body is not JSON/);
    expect(validator.validate(exchange({ responseHeaders: { 'content-type': 'text/html' } }))[0]).toMatch(/response 200 content type "text\/html" is not one of application\/json/);
  });
});

describe('OpenApiTrafficValidator (OpenAPI 3.1)', () => {
  const spec31 = {
    openapi: '3.1.0',
    paths: {
      '/v1/things': {
        get: {
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/list' } } } } },
        },
      },
    },
    components: { schemas: { list: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: { type: ['string', 'null'] } } } } } },
  };
  const validator = new OpenApiTrafficValidator(spec31);
  const base: TrafficExchange = { method: 'GET', path: '/v1/things', query: 'limit=5', requestHeaders: {}, requestBody: '', status: 200, responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"data":["a",null]}' };

  it('validates with JSON Schema 2020-12 (type arrays) and reports what fails', () => {
    expect(validator.validate(base)).toEqual([]);
    expect(validator.validate({ ...base, query: 'limit=500' })[0]).toMatch(/"limit" "500" is invalid: \/value must be <= 100/);
    expect(validator.validate({ ...base, responseBody: '{"data":[1]}' })[0]).toMatch(/\/data\/0 must be string,null/);
  });

  it('refuses a Swagger 2.0 document (those are converted when extracted)', () => {
    expect(() => new OpenApiTrafficValidator({ swagger: '2.0', paths: {} })).toThrow(/convert Swagger 2.0/);
  });
});
