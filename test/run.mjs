#!/usr/bin/env node
// `npm test`: runs every vitest project, then prints the plain closing line CI reads
// ("N passed, N failed") from vitest's JSON reporter. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const out = '.vitest-results.json';
rmSync(out, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
);
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  // A file that fails to load has no failed test of its own: count it, so the line never says 0 then.
  failed = r.numFailedTests || r.numFailedTestSuites || 0;
} catch {
  failed = 1; // no report: vitest itself failed
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
