// Unit tests beside the code (src, *.spec.ts); e2e tests against a real PostgreSQL (test, *.e2e-spec.ts).
// openid-client and its dependencies are ESM-only, which Jest's sandbox cannot require: they are
// compiled to CommonJS like the project's own files (Node itself loads them with require()).
const ESM_ONLY = ['openid-client', 'oauth4webapi', 'jose'];
const transform = {
  '^.+\\.ts$': ['ts-jest', {}],
  [`/node_modules/(?:${ESM_ONLY.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { tsconfig: { allowJs: true } },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(?:${ESM_ONLY.join('|')})/)`];
// @fastify/static's content-disposition is ESM-only, which Jest's sandbox cannot require.
const moduleNameMapper = { '^content-disposition$': 'content-disposition-cjs' };

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 60000,
  maxWorkers: process.env.CI ? 2 : '50%',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      // The web console in a real headless Chromium (Playwright) against the real app.
      displayName: 'browser',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/console/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/console/support/global-setup.js',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
  ],
};
