import { appDeps } from '../../shared/adapters/deps.ts';
import { periodicReport } from '../../shared/app/periodic-report.ts';
import { parseReportFormat, reportFile } from '../../shared/app/report-formats.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `GET /v1/reports/periodic?from=&to=&format=json|csv|xlsx`: the period's figures, as JSON or a file. */
export const handler = httpHandler({ access: 'jwt', roles: ['coordinator'] }, async ({ query, now }) => {
  const format = parseReportFormat(query.format);
  const report = await periodicReport(deps, { from: query.from, to: query.to }, now);
  if (format === 'json') return json(200, report);
  const file = await reportFile(report, format);
  return {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
    },
    body: file.body,
    isBase64Encoded: file.isBase64Encoded,
  };
});
