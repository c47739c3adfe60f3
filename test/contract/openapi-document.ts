/**
 * The OpenAPI document as the production build makes it (the Nest Swagger plugin reading DTO types
 * and JSDoc), written to node_modules/.cache/hashbook-contract/openapi.json. Used by the ERP contract
 * check, the Spectral lint (`npm run contract:lint`) and the contract sweep test. Run directly, it
 * writes the file and prints its path.
 *
 * No database or server is needed: the app is assembled in Nest's preview mode, which scans modules
 * and routes without instantiating providers.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
// Inside node_modules so the compiled app resolves its packages from the project.
const OUT = join(ROOT, 'node_modules', '.cache', 'hashbook-contract');

function compileWithSwaggerPlugin(): void {
  const nestCli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8'));
  const pluginOptions = nestCli.compilerOptions.plugins.find(
    (p: { name: string }) => p.name === '@nestjs/swagger',
  ).options;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, nestCli.compilerOptions.tsConfigPath),
    { outDir: OUT, incremental: false, sourceMap: false, noEmitOnError: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(format([d])) },
  );
  if (!parsed) fail('Cannot read the build tsconfig');
  const files = parsed.fileNames.filter((file) => file.startsWith(join(ROOT, 'src') + '/'));
  const program = ts.createProgram(files, parsed.options);
  const { before } = require('@nestjs/swagger/plugin');
  const result = program.emit(undefined, undefined, undefined, false, {
    before: [before(pluginOptions, program)],
  });
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (errors.length > 0) fail(`The app does not compile:\n${format(errors)}`);
}

async function buildDocument(): Promise<object> {
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { FastifyAdapter } = require('@nestjs/platform-fastify');
  const { RequestMethod } = require('@nestjs/common');
  const { AppModule } = require(join(OUT, 'src', 'app.module'));
  const { buildOpenApi } = require(join(OUT, 'src', 'openapi'));
  const config = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    seedDemo: false,
    logLevel: 'silent',
    rateLimitPerMinute: 0,
    businessTimeZone: 'UTC',
    dbPoolSize: 1,
    webhooksEnabled: false,
  };
  const app = await NestFactory.create(
    AppModule.register(config, 'postgres://contract@127.0.0.1:1/none'),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  // As src/app.setup.ts does.
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  const document = buildOpenApi(app);
  await app.close();
  return document;
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

export function fail(message: string): never {
  console.error(`Contract check failed: ${message}`);
  process.exit(1);
}

/** Compiles the app with the Swagger plugin and writes the document; returns the file's path. */
export async function buildOpenApiFile(): Promise<string> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  compileWithSwaggerPlugin();
  const document = await buildDocument();
  const file = join(OUT, 'openapi.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}

if (require.main === module) {
  buildOpenApiFile()
    .then((file) => console.log(file))
    .catch((error: Error) => fail(error.stack ?? error.message));
}
