/**
 * `npm run --silent token -- --role officer --agency SO-NNMT`: prints a bearer token (and nothing
 * else) that the local stack accepts.
 */
import { parseArgs } from 'node:util';
import { signLocalToken } from '../../shared/adapters/jwt.ts';
import { ROLES, type Role } from '../../shared/domain/actor.ts';
import { LOCAL_JWT_SECRET } from './stack.ts';

const { values } = parseArgs({
  options: { role: { type: 'string' }, agency: { type: 'string' }, name: { type: 'string' } },
});
if (!ROLES.includes(values.role as Role)) {
  process.stderr.write(
    `usage: npm run --silent token -- --role <${ROLES.join('|')}> [--agency <agencyId>] [--name <name>]\n`,
  );
  process.exit(2);
}
process.env.JWT_LOCAL_SECRET ??= LOCAL_JWT_SECRET;
const role = values.role as Role;
const token = await signLocalToken(
  {
    sub: `local-${role}${values.agency ? `-${values.agency}` : ''}`,
    name: values.name ?? `Cán bộ ${role}`,
    roles: [role],
    ...(values.agency ? { agencyId: values.agency } : {}),
  },
  new Date(),
);
process.stdout.write(`${token}\n`);
