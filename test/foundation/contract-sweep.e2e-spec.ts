import { randomUUID } from 'node:crypto';
import {
  contractDocument,
  OpenApiDocument,
  OpenApiOperation,
  SchemaObject,
} from '../support/contract-document';
import { expectProblem, MARKER } from '../support/problems';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * A sweep over every route of the OpenAPI document the build serves: each answers what it cannot
 * read (wrong media type, malformed or oversized JSON, too long a path segment, an unknown
 * sub-route) with problem+json, the security headers and no echo, and refuses every value over a
 * documented limit (maxLength, maxItems, maximum) of its body and query.
 */

const document: OpenApiDocument = contractDocument();
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

interface Route {
  name: string;
  method: Method;
  path: string;
  operation: OpenApiOperation;
}

const routes: Route[] = Object.entries(document.paths).flatMap(([path, item]) =>
  METHODS.filter((method) => item[method]).map((method) => ({
    name: `${method.toUpperCase()} ${path}`,
    method,
    path,
    operation: item[method],
  })),
);
const writes = routes.filter((route) => route.method !== 'get');

/** The path with every parameter filled: ids with a uuid nobody has, others with a plain token. */
function concrete(path: string, fill?: (name: string) => string): string {
  return path.replace(/\{(\w+)\}/g, (_all, name: string) =>
    fill ? fill(name) : /^(id|[a-z]+Id)$/.test(name) ? randomUUID() : 'no-such-thing',
  );
}

function takesCsv(route: Route): boolean {
  return Object.keys(route.operation.requestBody?.content ?? {}).includes('text/csv');
}

function resolve(schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop()!]);
  if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
  return schema;
}

/** One value over a limit: the body (or query) that carries it and the error path it must get. */
interface Breach {
  path: string;
  value: unknown;
}

/** Every limit of a schema, each as the value that breaks it, at its path. */
function breaches(schema: SchemaObject | undefined, path: string, depth = 0): Breach[] {
  const resolved = resolve(schema);
  if (!resolved || depth > 8) return [];
  const found: Breach[] = [];
  if (resolved.type === 'string' && resolved.maxLength !== undefined && !resolved.enum) {
    // Money: well-formed but too long, so only the length can refuse it.
    const value = resolved.pattern?.endsWith('\\.\\d{2}$')
      ? `${'9'.repeat(resolved.maxLength - 2)}.00`
      : MARKER + 'x'.repeat(resolved.maxLength);
    found.push({ path, value });
  }
  if (resolved.type === 'integer' && resolved.maximum !== undefined) {
    found.push({ path, value: resolved.maximum + 1 });
  }
  if (resolved.type === 'array') {
    if (resolved.maxItems !== undefined) {
      const item = resolve(resolved.items);
      const filler = item?.type === 'object' ? {} : item?.type === 'integer' ? 1 : 'x';
      found.push({ path, value: Array.from({ length: resolved.maxItems + 1 }, () => filler) });
    }
    for (const inner of breaches(resolved.items, `${path}[0]`, depth + 1)) found.push(inner);
  }
  for (const [name, property] of Object.entries(resolved.properties ?? {})) {
    for (const inner of breaches(property, path ? `${path}.${name}` : name, depth + 1))
      found.push(inner);
  }
  return found;
}

/** Builds the JSON body that puts `value` at `path` (`lines[0].tranches[0].quantity`). */
function bodyWith(path: string, value: unknown): unknown {
  const steps = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  const build = (index: number): unknown => {
    if (index === steps.length) return value;
    const step = steps[index];
    return step.startsWith('[') ? [build(index + 1)] : { [step]: build(index + 1) };
  };
  return build(0);
}

function jsonSchemaOf(route: Route): SchemaObject | undefined {
  const schema = route.operation.requestBody?.content['application/json']?.schema;
  // The import routes: a JSON array of items, or CSV.
  return schema?.oneOf ? schema.oneOf.find((s) => s.type === 'array') : schema;
}

describe('contract sweep over every route of the OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const send = (method: Method, url: string) => t.http()[method](url).set('X-API-Key', t.adminKey);

  it('has routes to sweep', () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(writes.length).toBeGreaterThan(30);
  });

  it.each(writes.map((route) => [route.name, route] as const))(
    '%s: wrong media type 415, malformed JSON 400, JSON over 1 MB 413',
    async (_name, route) => {
      const url = concrete(route.path);
      expectProblem(
        await send(route.method, url).type('form').send(`name=${MARKER}`),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      if (!takesCsv(route)) {
        expectProblem(
          await send(route.method, url).set('content-type', 'text/csv').send(`name\n${MARKER}`),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
      }
      expectProblem(
        await send(route.method, url)
          .set('content-type', 'application/json')
          .send(`{"name": "${MARKER}", `),
        400,
        'MALFORMED_BODY',
      );
      const oversized = JSON.stringify({ name: MARKER + 'x'.repeat(1024 * 1024) });
      const big = await send(route.method, url)
        .set('content-type', 'application/json')
        .send(oversized);
      if (takesCsv(route)) {
        // The import routes take up to 50 MB: the body is read, and refused for what it holds.
        expect(big.status).not.toBe(413);
        expect(big.status).toBeLessThan(500);
      } else {
        expectProblem(big, 413, 'PAYLOAD_TOO_LARGE');
      }
    },
  );

  it.each(routes.map((route) => [route.name, route] as const))(
    '%s: a too long path segment is 414, an unknown sub-route 404, neither echoed',
    async (_name, route) => {
      if (route.path.includes('{')) {
        const long = concrete(route.path, () => encodeURIComponent(MARKER) + 'a'.repeat(300));
        expectProblem(await send(route.method, long).send(), 414, 'URI_TOO_LONG');
      }
      // Two more segments: deeper than any route's parameters reach.
      const unknown = `${concrete(route.path)}/${encodeURIComponent(MARKER)}/no-such-route`;
      expectProblem(await send(route.method, unknown).send(), 404, 'ROUTE_NOT_FOUND');
    },
  );

  it.each(routes.map((route) => [route.name, route] as const))(
    '%s: a path id that is no uuid is 404, not echoed',
    async (_name, route) => {
      const ids = [...route.path.matchAll(/\{(\w+)\}/g)]
        .map((match) => match[1])
        .filter((name) => /^(id|[a-z]+Id)$/.test(name));
      if (ids.length === 0) return;
      const url = concrete(route.path, (name) =>
        ids.includes(name) ? encodeURIComponent(MARKER) : 'no-such-thing',
      );
      const res = await send(route.method, url).set('content-type', 'application/json').send('{}');
      // The path is checked before the body: 404 whatever the body.
      expectProblem(res, 404, 'NOT_FOUND');
    },
  );

  const bodyLimits = writes.flatMap((route) =>
    breaches(jsonSchemaOf(route), '').map(
      (breach) => [`${route.name} body ${breach.path || '(root)'}`, route, breach] as const,
    ),
  );
  const queryLimits = routes.flatMap((route) =>
    (route.operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'query')
      .flatMap((parameter) => breaches(parameter.schema, parameter.name))
      .map((breach) => [`${route.name} query ${breach.path}`, route, breach] as const),
  );

  it('finds limits to check in bodies and queries', () => {
    expect(bodyLimits.length).toBeGreaterThan(100);
    expect(queryLimits.length).toBeGreaterThan(30);
  });

  it.each(bodyLimits)('%s: over its limit is refused', async (_name, route, breach) => {
    // An import body is a JSON array of items: its breaches start at the array ('' or [0]).
    const res = await send(route.method, concrete(route.path)).send(
      bodyWith(breach.path, breach.value) as object,
    );
    const problem = expectProblem(res, res.status === 413 ? 413 : res.status === 422 ? 422 : 400);
    if (res.status === 413) {
      // Too many items for one import: refused whole before any is read.
      expect(breach.path).toBe('');
      return;
    }
    const paths = ((problem.errors ?? []) as { path: string; row?: number }[]).map((error) =>
      error.row === undefined ? error.path : `[${error.row}]${error.path ? `.${error.path}` : ''}`,
    );
    const expected = breach.path;
    expect({ expected, paths }).toEqual({ expected, paths: expect.arrayContaining([expected]) });
  });

  it.each(queryLimits)('%s: over its limit is refused', async (_name, route, breach) => {
    const value = Array.isArray(breach.value) ? breach.value.join(',') : String(breach.value);
    const res = await send(route.method, concrete(route.path))
      .query({ [breach.path]: value })
      .set('content-type', 'application/json')
      .send(route.method === 'get' ? undefined : '{}');
    const problem = expectProblem(res, 400);
    const paths = ((problem.errors ?? []) as { path: string }[]).map((error) => error.path);
    expect({ param: breach.path, paths }).toEqual({
      param: breach.path,
      paths: expect.arrayContaining([breach.path]),
    });
  });
});
