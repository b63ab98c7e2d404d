/** The `mail` wiring (see deps.ts): SES, in the functions that send mail (MAILING_FUNCTIONS). */
import type { Wiring } from './deps.ts';
import { SesMailer, sesClient } from './ses-mailer.ts';

export const mail: Wiring = (cfg) => ({
  mailer: new SesMailer(
    sesClient({ region: cfg.AWS_REGION, ...(cfg.SES_ENDPOINT ? { endpoint: cfg.SES_ENDPOINT } : {}) }),
    cfg.MAIL_FROM,
  ),
});
