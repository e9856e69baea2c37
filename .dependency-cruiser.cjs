/**
 * The shape of the code, checked by `npm test` (npm run deps): imports go one way, down.
 *
 *   engine <- os <- interpreter <- policies <- model <- config, session <- tui, cli, calibrate
 *
 * Each folder of the model half imports only the folders to its left; everything above the model
 * reaches it through src/model/index.ts only (see DESIGN.md).
 */
const below = {
  engine: [],
  os: ['engine'],
  interpreter: ['engine', 'os'],
  policies: ['engine', 'os', 'interpreter'],
  model: ['engine', 'os', 'interpreter', 'policies'],
};
const modelHalf = Object.keys(below);

module.exports = {
  forbidden: [
    ...Object.entries(below).map(([folder, allowed]) => ({
      name: `${folder}-imports-down-only`,
      comment: `src/${folder} may import ${allowed.length > 0 ? allowed.map((f) => `src/${f}`).join(', ') : 'nothing else of the project'} (and itself)`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: [`^src/${folder}/`, ...allowed.map((f) => `^src/${f}/`)] },
    })),
    {
      name: 'top-half-through-model-index',
      comment: 'above the model (config, session, tui, cli, calibrate) the simulation is reached through src/model/index.ts only',
      severity: 'error',
      from: { path: '^src/(?!(' + modelHalf.join('|') + ')/)' },
      to: { path: ['^src/(' + modelHalf.filter((f) => f !== 'model').join('|') + ')/', '^src/model/(?!index\\.ts$)'] },
    },
    {
      name: 'config-and-session-below-screens',
      comment: 'config and session never import the dashboard, the command line or the calibration',
      severity: 'error',
      from: { path: '^src/(config|session)/' },
      to: { path: '^src/(tui|cli|calibrate)/' },
    },
    {
      name: 'config-below-session',
      comment: 'config is read by the session, never the other way round',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/session/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
