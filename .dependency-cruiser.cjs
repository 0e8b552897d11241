/**
 * The layering of src/ (issue 14): components play one layer each and know nothing of the
 * topology that assembles them, the scenario, the runner, the sandbox or the commands above them; only the CLI (and the evidence
 * script, a CLI of its own) drive the commands. `npm run depcruise` checks it, `npm test` too.
 */
const COMPONENTS = '^src/(dns|firewall|wan|origin|proxy|sumdb|vcs|tls|corpus|faults)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'component-imports-upper-layer',
      comment: 'a component (dns, firewall, wan, origin, proxy, sumdb, vcs, tls, corpus, faults) never imports the topology, scenario, commands, runner or sandbox layers',
      severity: 'error',
      from: { path: COMPONENTS },
      to: { path: '^src/(topology|scenario|commands|runner|sandbox)/' },
    },
    {
      name: 'only-the-cli-imports-commands',
      comment: 'commands are the CLI\'s: nothing else in src/ imports them (bench/ and test/ may)',
      severity: 'error',
      // evidence/run.ts is a driver of its own (npm run evidence)
      from: { path: '^src/', pathNot: ['^src/cli\\.ts$', '^src/commands/', '^src/evidence/run\\.ts$'] },
      to: { path: '^src/commands/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between modules',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-from-dist',
      comment: 'bench/ and test/ import src/, never the build output, so tsc --noEmit needs no build',
      severity: 'error',
      from: { path: '^(src|bench|test)/' },
      to: { path: '^dist/' },
    },
  ],
  options: {
    doNotFollow: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
    reporterOptions: {
      dot: { collapsePattern: '^src/[^/]+/' },
      archi: { collapsePattern: '^src/[^/]+/' },
    },
  },
};
