import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const FILE = join(ROOT, 'node_modules', '.cache', 'hashbook-contract', 'openapi.json');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, SchemaObject>; headers?: Record<string, unknown> };
}

export interface OpenApiOperation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: SchemaObject }[];
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, { headers?: Record<string, unknown>; content?: object }>;
  security?: unknown[];
}

export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  maxLength?: number;
  pattern?: string;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
}

/**
 * The OpenAPI document the production build serves (built with the Swagger plugin, which the test
 * compiler does not run): the one `npm run contract:check` wrote, rebuilt when a source file is
 * newer.
 */
export function contractDocument(): OpenApiDocument {
  let fresh = false;
  try {
    fresh = statSync(FILE).mtimeMs > newestSource(join(ROOT, 'src'));
  } catch {
    fresh = false;
  }
  if (!fresh) {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
        '--transpile-only',
        join(ROOT, 'test', 'contract', 'openapi-document.ts'),
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return JSON.parse(readFileSync(FILE, 'utf8')) as OpenApiDocument;
}
