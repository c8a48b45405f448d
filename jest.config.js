module.exports = { testEnvironment: 'node', transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }] }, testMatch: ['<rootDir>/test/**/*.test.ts'] };
