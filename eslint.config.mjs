// Flat config: typescript-eslint's recommended rules plus a few that catch real bugs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'cdktf.out/**',
      '.local/**',
      'stacks/.gen/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  {
    // Plain CommonJS config files (jest.config.js).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // cdktf's internals are fenced in stacks/synth/: elsewhere only its index (the seam) is
    // imported, and nothing reaches into cdktf's private modules.
    files: ['**/*.ts'],
    ignores: ['stacks/synth/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/synth/*', 'cdktf/lib/*', '!cdktf/lib/testing'],
              message:
                'Import stacks/synth (its index) only; cdktf internals stay in stacks/synth/.',
            },
          ],
        },
      ],
    },
  },
);
