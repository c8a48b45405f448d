/** Jest runs the TypeScript tests through ts-jest (tsc: decorator metadata is needed by type-graphql). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Generous: start-up seeds a store per file, and CI machines may be shared. A test sets a longer
  // one where it needs it, never a shorter one; TEST_TIMEOUT_SCALE stretches the default on a
  // machine busier still.
  testTimeout: 180_000 * Number(process.env.TEST_TIMEOUT_SCALE || 1),
  maxWorkers: 2,
  // PGlite loads its WASM with a dynamic import: the tests run with --experimental-vm-modules.
};
