// Lint rules: typescript-eslint's recommended set; formatting is prettier's job. Below them, the stage boundary
// (docs/conventions.md): a stage imports a lower stage only through its index.ts, never a higher stage.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Lowest first. util is the shared toolbox (no index: every stage may import its files); a name without a
// directory yet (triage, store, server, publish, queue) holds its place for the stages being built.
const STAGES = [
  'util',
  'distro',
  'kconfig',
  'flavour',
  'syzbot',
  'build',
  'plan',
  'image',
  'report',
  'vm',
  'gap',
  'sweep',
  'triage',
  'store',
  'server',
  'publish',
  'queue',
  'cli',
];

// Internals the CLI reads at start-up on purpose: a constant for a flag's default or --help, where importing the
// stage's index would load the whole stage before commander has parsed anything.
const CLI_STARTUP_EXCEPTIONS = ['../flavour/profile-names.js', '../gap/source-url.js', '../plan/model.js'];

function boundary(stage, i) {
  const patterns = [];
  for (const [j, other] of STAGES.entries()) {
    if (other === stage || other === 'util') continue;
    if (j > i) {
      patterns.push({ group: [`../${other}/*`], message: `${stage} is below ${other} (order: ${STAGES.join(' < ')})` });
    } else {
      const allowed = ['index.js', ...(stage === 'cli' ? CLI_STARTUP_EXCEPTIONS : [])]
        .filter((p) => p === 'index.js' || p.startsWith(`../${other}/`))
        .map((p) => `!../${other}/${p.replace(`../${other}/`, '')}`);
      patterns.push({ group: [`../${other}/*`, ...allowed], message: `use ../${other}/index.js, not its internals` });
    }
  }
  // Dynamic import() is not covered by no-restricted-imports: the same rule for `await import('../x/y.js')`.
  const lower = STAGES.slice(0, i).filter((s) => s !== 'util');
  const higher = STAGES.slice(i + 1);
  const syntax = [];
  if (lower.length)
    syntax.push({
      selector: `ImportExpression[source.value=/^\\.\\.\\/(${lower.join('|')})\\/(?!index\\.js$)/]`,
      message: `import() another stage only through its index.js`,
    });
  if (higher.length)
    syntax.push({
      selector: `ImportExpression[source.value=/^\\.\\.\\/(${higher.join('|')})\\//]`,
      message: `${stage} may not import a higher stage`,
    });
  return {
    files: [`src/${stage}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': syntax.length ? ['error', ...syntax] : 'off',
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  ...STAGES.map(boundary),
);
