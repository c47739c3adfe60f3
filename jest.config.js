// Unit tests beside the code (src, *.spec.ts); e2e tests against a real PostgreSQL (test, *.e2e-spec.ts).
const transform = { '^.+\\.ts$': ['ts-jest', {}] };
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
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      moduleNameMapper,
    },
  ],
};
