import { defineConfig } from 'vitest/config';

// One project per kind of test (architecture.md, "test/"): unit tests are pure and fast;
// integration tests start dynalite / DynamoDB Local / SES local / the local HTTP stack on loopback.
export default defineConfig({
  test: {
    // Handlers log at info on every request; tests keep warnings and errors only (a test may lower it).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'warn' },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // Slow reliability suite (crash under load, privacy over many cases, soak): only in
      // `npm run test:reliability`, which CI runs on its own, so `npm test` stays fast and a soak
      // never shares the machine with other suites.
      ...(process.env.PAKN_RELIABILITY === '1'
        ? [
            {
              test: {
                name: 'reliability',
                include: ['test/reliability/**/*.test.ts'],
                testTimeout: 600_000,
                hookTimeout: 120_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
