/**
 * Request overhead: `POST /v1/hotline/calls` end to end on the local stack (`npm start` in its own
 * process: JWT check, validation, routing, duplicate lookup, conditional writes, all on dynalite on
 * disk) next to the storage floor (bench/floor-server.ts: parse, one PutItem, same dynalite setup).
 * autocannon drives both on loopback for a bounded time; only 2xx answers count.
 */
import autocannon from 'autocannon';
import { startStackProcess } from '../test/support/process.ts';
import { hotlineCallBody } from './corpus.ts';
import { note, QUIET_SDK, round, startChild, tempDir } from './support.ts';

export interface Intake {
  reqPerSec: number;
  floorReqPerSec: number;
  ratio: number;
}

interface Load {
  url: string;
  token?: string;
  seconds: number;
  connections: number;
  /** Request numbers start here, so every run's phones and texts are its own. */
  firstRequest: number;
}

/** 2xx answers per second over the run; anything else is an error the benchmark reports. */
async function drive(load: Load): Promise<{ perSec: number; errors: number; non2xx: number; p99Ms: number }> {
  const calledAt = new Date(Date.now() - 3_600_000).toISOString();
  let n = load.firstRequest;
  const result = await autocannon({
    url: `${load.url}/v1/hotline/calls`,
    connections: load.connections,
    duration: load.seconds,
    headers: {
      'content-type': 'application/json',
      ...(load.token ? { authorization: `Bearer ${load.token}` } : {}),
    },
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: hotlineCallBody(n++, calledAt) }) }],
  });
  return {
    perSec: result['2xx'] / (result.duration || load.seconds),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    p99Ms: result.latency.p99,
  };
}

export async function intake(opts: { seconds: number; warmupSeconds: number; rounds: number }): Promise<Intake> {
  const stackDir = await tempDir('stack');
  const floorDir = await tempDir('floor');
  note('intake: starting the local stack (npm start) and the storage floor');
  const stack = await startStackProcess({ ...QUIET_SDK, PAKN_DATA_DIR: stackDir.path });
  const floor = await startChild('bench/floor-server.ts', [floorDir.path]);
  try {
    const tokenResponse = await fetch(`${stack.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'operator' }),
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    const targets = {
      stack: { url: stack.url, token },
      floor: { url: String(floor.ready.url) },
    };
    const connections = 10;
    let next = 0;
    const run = async (target: keyof typeof targets, seconds: number) => {
      const r = await drive({ ...targets[target], seconds, connections, firstRequest: next });
      next += 1_000_000;
      return r;
    };
    // Warm both (JIT, dynalite's first files, the reference-data cache) before anything is counted.
    await run('floor', opts.warmupSeconds);
    await run('stack', opts.warmupSeconds);
    const ours: number[] = [];
    const floorRuns: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      // Alternating, so a slow spell of the machine falls on both sides.
      for (const target of ['floor', 'stack'] as const) {
        const m = await run(target, opts.seconds);
        note(`intake: ${target} ${round(m.perSec)} req/s, p99 ${m.p99Ms} ms, ${m.non2xx} non-2xx, ${m.errors} errors`);
        if (m.errors > 0 || m.non2xx > 0) throw new Error(`intake: ${target} answered with errors; figures void`);
        (target === 'stack' ? ours : floorRuns).push(m.perSec);
      }
    }
    const reqPerSec = ours.reduce((a, b) => a + b, 0) / ours.length;
    const floorReqPerSec = floorRuns.reduce((a, b) => a + b, 0) / floorRuns.length;
    return {
      reqPerSec: round(reqPerSec),
      floorReqPerSec: round(floorReqPerSec),
      ratio: round(reqPerSec / floorReqPerSec, 3),
    };
  } finally {
    await stack.stop();
    await floor.stop();
    await stackDir.remove();
    await floorDir.remove();
  }
}
