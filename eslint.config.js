import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', 'data/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        // Type information for the rules that need it (below): each file is checked with the
        // tsconfig.json that includes it, found by TypeScript's project service. The few files no
        // tsconfig.json includes (root configs, the web app's build scripts, browser tests and
        // configs, which tsconfig.node.json covers for tsc) get the default project.
        projectService: {
          allowDefaultProject: ['*.js', '*.ts', 'apps/web/*.ts', 'apps/web/scripts/*.ts', 'apps/web/e2e/*.ts', 'apps/web/e2e/support/*.ts'],
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 40,
        },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // A promise nobody awaits or catches loses its errors (an unhandled rejection can end the
      // server); one passed where a callback's result is ignored (an event listener, a timer)
      // does too. `void promise` says the loss is deliberate, and why is written beside it.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Formatting is not linted: these stylistic rules fight readable templates.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    // Plain JavaScript (this file, the load test's probes) has no types to check.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
