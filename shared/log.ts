/**
 * Structured JSON logs (one line per event, as CloudWatch and Powertools expect). Personal data
 * never reaches the logs: any field whose name says it carries contact data is redacted, at any depth.
 */
const PII_KEYS = /^(submitter|caller|nguoiGui|name|hoTen|phone|dienThoai|email|address|diaChi|authorization|contact)$/i;
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      PII_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1),
    ]),
  );
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const min = (process.env.LOG_LEVEL as Level | undefined) ?? 'info';
  if (LEVELS[level] < (LEVELS[min] ?? 20)) return;
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...(redact(fields) as object) });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

/**
 * A CloudWatch metric in the `PAKN` namespace, written as one Embedded Metric Format log line:
 * Lambda's log pipeline turns it into the metric, with no API call and no extra permission.
 */
export function metric(
  name: string,
  value: number,
  at: Date,
  write: (line: string) => void = (l) => process.stdout.write(l),
): void {
  const emf = {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [{ Namespace: 'PAKN', Dimensions: [[]], Metrics: [{ Name: name, Unit: 'Count' }] }],
    },
    [name]: value,
  };
  write(`${JSON.stringify(emf)}\n`);
}
