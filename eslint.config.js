// Layer rules (see docs/architecture.md): common and protocol import no Node and nothing of ours above them;
// pure modules also take time and randomness only through Clock and Rng.
import tseslint from 'typescript-eslint';

const nodeModules = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'dgram', 'crypto', 'stream', 'events', 'url', 'util', 'zlib', 'worker_threads', 'fastify', 'better-sqlite3', 'pino', 'commander', 'dockerode', 'node-zookeeper-client'];
const noNode = { group: nodeModules, message: 'this layer must not import Node or server libraries' };
const pureGlobals = [
  { name: 'Date', message: 'pure modules take time from a Clock' },
  { name: 'setTimeout', message: 'pure modules take timers from a Clock' },
  { name: 'setInterval', message: 'pure modules take timers from a Clock' },
  { name: 'process', message: 'pure modules do not read the process' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tsbuild/**', 'dist/**', 'test-artifacts/**', '.work/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read arbitrary wire JSON; typing every response would only restate the assertions.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['core/common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, { group: ['../*'], message: 'common imports nothing of ours' }] }] },
  },
  {
    files: ['core/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, { group: ['../../*', '!../../common', '!../../common/*'], message: 'protocol imports only common' }] }] },
  },
  {
    files: ['core/allocator/**/*.ts', 'core/marathon/**/*.ts'],
    ignores: ['core/marathon/service/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noNode, { group: ['../master/*', '../agent/*', '../node/*', '../api/*', '../runtime/*'], message: 'pure modules import only common, protocol and other pure modules' }] }],
      'no-restricted-globals': ['error', ...pureGlobals],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'pure modules take randomness from an Rng' }],
    },
  },
  {
    // The renderer runs sandboxed in Chromium: it reaches clusters only through the channel contract.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, { group: ['../../core/*', '../core/*', '!../../core/protocol', '!../../core/common', '!../core/protocol', '!../core/common'], message: 'the renderer imports only core/protocol and core/common' }] }] },
  },
  {
    files: ['core/master/**/*.ts', 'core/agent/**/*.ts', 'core/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../node/*'], message: 'impure core depends on interfaces; core/node is wired in core/runtime' }] }] },
  },
);
