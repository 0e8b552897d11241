/**
 * `npm run test:stress`: the whole test suite with CPU hogs beside it (by default one busy loop
 * per core), the way a shared CI machine is. The hogs are this script's children, stopped by
 * their pids when the suite ends, fails or is interrupted. Extra arguments go to `npm test`.
 *   GOMOD_CHAOS_HOGS=N   number of busy loops (default: the number of cores)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

const hogCount = Number(process.env.GOMOD_CHAOS_HOGS ?? availableParallelism());
const hogs: ChildProcess[] = Array.from({ length: hogCount }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopHogs = () => {
  for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
};
process.on('exit', stopHogs);
process.stderr.write(`test:stress: ${hogCount} busy loop(s) beside the suite (pids ${hogs.map((h) => h.pid).join(', ')})\n`);

const started = performance.now();
const suite = spawn('npm', ['test', '--', ...process.argv.slice(2)], { stdio: 'inherit' });
const forward = (signal: NodeJS.Signals) => () => suite.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
suite.once('close', (code, signal) => {
  stopHogs();
  const minutes = (performance.now() - started) / 60_000;
  process.stderr.write(`test:stress: npm test ${code === 0 ? 'passed' : `failed (${code ?? signal})`} in ${minutes.toFixed(1)} min with ${hogCount} busy loop(s); load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  process.exit(code ?? 1);
});
