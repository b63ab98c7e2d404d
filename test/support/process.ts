/**
 * `npm start` as a real child process on free ports: for tests that stop, kill and restart the
 * system as an operator would (in-process stacks cannot be restarted: Lambda-style handler modules
 * keep their clients for the life of the process).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => ok(port));
    });
  });
}

export interface StackProcess {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first successful answer. */
  startMs: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startStackProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<StackProcess> {
  const port = env.PORT ?? String(await freePort());
  const sesPort = env.SES_PORT ?? String(await freePort());
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: { ...process.env, PAKN_PUBLIC_RATE_LIMIT: '0', ...env, PORT: port, SES_PORT: sesPort },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  while (Date.now() - t0 < timeoutMs && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/v1/categories`)).ok) {
        return {
          url,
          child,
          startMs: Date.now() - t0,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null) child.kill(signal);
            await exited;
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`npm start did not answer: ${log.slice(-500)}`);
}
