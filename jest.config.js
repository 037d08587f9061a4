// Two projects: "unit" needs nothing running; "integration" runs against the real local
// Kafka broker and schema registry, started (or reused) by the global setup.
/** @type {import('jest').Config} */
const tsJest = { '^.+\\.ts$': 'ts-jest' };
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: tsJest,
      // stacks/synth/ keeps its tests beside it: they hold it equal to cdktf's own rendering.
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/stacks/synth/**/*.test.ts'],
      // Temp files go under one folder per run, removed at its end (test/support/temp-root.ts).
      globalSetup: '<rootDir>/test/support/temp-root.ts',
      globalTeardown: '<rootDir>/test/support/temp-root-teardown.ts',
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Each test talks to a real broker and registry: jest's 5 s is too short on a loaded
      // machine (a project's testTimeout is ignored by jest-circus, so a setup file sets it).
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
