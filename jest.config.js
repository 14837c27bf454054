/** Unit and integration tests; the container end-to-end suite has its own config. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  // Transpile only (isolatedModules): `npm test` type-checks and builds the whole project in one tsc pass first (pretest).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  // Suites are independent (temp dirs, no shared ports): use both cores, not jest's default of cores - 1.
  maxWorkers: '100%',
};
