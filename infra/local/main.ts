/** `npm start`: the whole system on this machine. Settings from the environment (README). */
import { DEV_VPCP_SECRET, startLocalStack } from './stack.ts';

const t0 = Date.now();
const port = Number(process.env.PORT ?? 3000);
const sesPort = Number(process.env.SES_PORT ?? 8005);
const rateLimit = Number(process.env.PAKN_PUBLIC_RATE_LIMIT ?? 20);
const vpcpSecret = process.env.VPCP_HMAC_SECRET ?? DEV_VPCP_SECRET;

const stack = await startLocalStack({
  port,
  sesPort,
  dataDir: process.env.PAKN_DATA_DIR ?? '.data',
  seed: process.env.PAKN_SEED === 'none' ? 'none' : 'sample',
  vpcpSecret,
  publicRateLimit: rateLimit,
  scheduler: true,
});

console.log(`PAKN local stack ready in ${Date.now() - t0} ms
  Citizen form        ${stack.url}/
  Tracking page       ${stack.url}/tra-cuu.html
  Hotline operators   ${stack.url}/tong-dai.html
  Agency/VPUB console ${stack.url}/console.html
  Monitoring          ${stack.url}/dashboard.html
  API reference       ${stack.url}/api.html   (OpenAPI: ${stack.url}/v1/openapi.json)
  API                 ${stack.url}/v1/categories
  Mail viewer (SES)   ${stack.sesUrl}/   (JSON: ${stack.sesUrl}/store)
  Data directory      ${process.env.PAKN_DATA_DIR ?? '.data'}
  VPCP HMAC secret    ${vpcpSecret}
  Tokens              npm run --silent token -- --role coordinator
                      npm run --silent token -- --role officer --agency SO-NNMT
                      or POST ${stack.url}/dev/token {"role":"operator"}
  Jobs                POST ${stack.url}/dev/jobs/deadline-scan {"time":"2026-03-10T09:00:00+07:00"}`);

const stop = () => {
  void stack.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
