import { describe, expect, it } from 'vitest';
import { metric, redact } from '../../../shared/log.ts';

describe('structured logs', () => {
  it('redacts contact data at any depth', () => {
    const out = redact({
      code: 'QNG-26-AAAAAA',
      submitter: { phone: '0900000123' },
      items: [{ email: 'a@b.vn', title: 'x' }],
    });
    expect(out).toEqual({
      code: 'QNG-26-AAAAAA',
      submitter: '[redacted]',
      items: [{ email: '[redacted]', title: 'x' }],
    });
  });

  it('writes a metric as one Embedded Metric Format line CloudWatch can read', () => {
    const lines: string[] = [];
    metric('CasesOverdue', 7, new Date('2026-03-10T02:00:00Z'), (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0] ?? '');
    expect(emf).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-03-10T02:00:00Z'),
        CloudWatchMetrics: [
          { Namespace: 'PAKN', Dimensions: [[]], Metrics: [{ Name: 'CasesOverdue', Unit: 'Count' }] },
        ],
      },
      CasesOverdue: 7,
    });
  });
});
