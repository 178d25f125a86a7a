// Lint: typescript-eslint's recommended rules, strict about `any`, plus the
// tier boundary: the public intake tier may not import anything that can
// open a sealed enquiry or touch keys (test/security/intake-boundary.test.ts
// checks the whole import graph as well).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/form/dist/**', 'web/staff/dist/**', '.tacet/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-nocheck': true, 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [{ name: 'crypto', message: 'Import node:crypto only inside src/crypto.' }, { name: 'node:crypto', message: 'Import node:crypto only inside src/crypto.' }] }],
    },
  },
  {
    // Thin routes and services: every query lives in a *.repository.ts (or the schema and migrations under src/db).
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repository.ts', 'src/db/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]",
          message: 'Queries belong in a *.repository.ts: name the query there and call it from here.',
        },
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'Raw SQL belongs in a *.repository.ts or under src/db.' },
      ],
    },
  },
  {
    files: ['src/crypto/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/intake/**/*.ts', 'web/form/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/crypto/*', '!**/crypto/seal.js', '!**/crypto/form-token.js', '!**/crypto/random.js', '!**/crypto/digest.js', '!**/crypto/bytes.js', '!**/crypto/enquiry-suite.js'],
              message: 'SECURITY: the intake tier may only seal. It must not import code that opens envelopes or handles keys.',
            },
            { group: ['**/core/**', '**/auth/**', '**/audit/**', '**/cli/**'], message: 'SECURITY: the intake tier must not import core-tier code.' },
            { group: ['shamir-secret-sharing', '@node-rs/argon2'], message: 'SECURITY: key handling does not belong in the intake tier.' },
          ],
        },
      ],
    },
  },
);
