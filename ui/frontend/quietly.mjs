// For the Maven build: runs `npm ci` or `vite build` (`node quietly.mjs npm ci ...`,
// `node quietly.mjs vite build`) and prints their output only when they fail, or always when
// BALLAST_UI_VERBOSE is set, so that `mvn -q package` stays quiet.
import { spawn } from 'node:child_process';

const [tool, ...args] = process.argv.slice(2);
const entry = {
  npm: process.env.npm_execpath,
  vite: 'node_modules/vite/bin/vite.js',
}[tool];
if (!entry) {
  console.error(`quietly.mjs: unknown tool '${tool}' (npm_execpath: ${process.env.npm_execpath ?? 'unset'})`);
  process.exit(2);
}
const verbose = !!process.env.BALLAST_UI_VERBOSE;
const child = spawn(process.execPath, [entry, ...args], {
  stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
});
const output = [];
if (!verbose) {
  child.stdout.on('data', (d) => output.push(d));
  child.stderr.on('data', (d) => output.push(d));
}
child.on('error', (e) => {
  console.error(`cannot run ${tool}: ${e.message}`);
  process.exit(1);
});
child.on('close', (code, signal) => {
  if (code !== 0) {
    process.stderr.write(Buffer.concat(output));
    console.error(`${tool} ${args.join(' ')} failed (${signal ?? 'exit ' + code})`);
  }
  process.exit(code ?? 1);
});
