/**
 * Use-case ports over a store, with a mailer that only collects what it is asked to send: for
 * running the jobs directly (tests, the deadline-scan benchmark) without SES.
 */
import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../shared/app/context.ts';
import type { Mail } from '../../shared/app/ports.ts';

export function collectingDeps(stores: Pick<AppDeps, 'cases' | 'reference'>, mails: Mail[]): AppDeps {
  return {
    ...stores,
    mailer: {
      send: async (m) => {
        mails.push(m);
        return { messageId: String(mails.length) };
      },
    },
    random: (n) => randomBytes(n),
    settings: { provinceCode: 'QNG', publicBaseUrl: 'http://127.0.0.1' },
  };
}
