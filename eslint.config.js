// Lint configuration: typescript-eslint strict rules over the TypeScript sources.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // examples/ are plain Node ES modules users run as they are: Node's globals, nothing else.
    files: ['examples/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly' } },
  },
  {
    // V8 passes spread arguments on the stack: `push(...xs)` with ~120k+ elements throws RangeError
    // (SORT of 125k elements did, issue 17). Loop instead; a provably small spread may carry
    // `// eslint-disable-next-line no-restricted-syntax -- bounded: <why>`.
    files: ['internal/**/*.ts', 'cmd/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.test.ts', 'internal/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'CallExpression > SpreadElement', message: 'Spread into a call overflows the stack past ~120k elements: loop, or mark a bounded spread with an eslint-disable reason.' },
        { selector: 'NewExpression > SpreadElement', message: 'Spread into a constructor overflows the stack past ~120k elements: loop, or mark a bounded spread with an eslint-disable reason.' },
      ],
    },
  },
);
