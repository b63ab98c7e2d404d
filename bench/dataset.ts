/**
 * The scale dataset for the deadline-scan and report benchmarks: N open cases received over six
 * weeks, of which exactly 50 are due by {@link SCAN_NOW}; the rest fall due from two working days
 * later on, beyond the scan's horizon. Items are written with the adapter's own layout (case,
 * derived index keys, table key) through BatchWriteItem.
 *
 * The senders give no phone or email here: the contact indexes would double dynalite's write work
 * for the load, and neither the deadline scan nor the report reads them.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { caseKey, indexAttributes } from '../shared/adapters/table.ts';
import { toVnIso } from '../shared/calendar/index.ts';
import type { Case, CaseStatus, Deadline, Step } from '../shared/domain/case.ts';

export const DUE_CASES = 50;
/** Monday 16/3/2026 17:00: the 50 due cases are due now or earlier; the others from Wednesday 18/3 on. */
export const SCAN_NOW = new Date('2026-03-16T17:00:00+07:00');
/** The report's period covers every receipt date of the dataset. */
export const REPORT_FROM = '2026-02-02';
export const REPORT_TO = '2026-03-16';

const AGENCIES = ['SO-NNMT', 'SO-XD', 'SO-TP', 'SO-TC', 'SO-YT', 'SO-GDDT', 'SO-NV', 'SO-CT', 'XA-X001', 'XA-X003'];
const CATEGORIES = ['dat-dai', 'xay-dung', 'ho-tich', 'y-te', 'giao-thong', 'moi-truong'];
const STATUS: Record<Step, CaseStatus> = { classify: 'received', acknowledge: 'assigned', handle: 'in_progress' };
const STEPS: Step[] = ['classify', 'acknowledge', 'handle'];
const DAY = 86_400_000;
const RECEIVED_FROM = Date.parse('2026-02-02T08:00:00+07:00');

function openCase(i: number, dueAt: string): Case {
  const step = STEPS[i % STEPS.length] as Step;
  // Receipt times spread over six weeks, at varied hours, so each month slice of the report has work;
  // the due cases were received in the first three weeks, well before their deadlines.
  const day = i < DUE_CASES ? i % 21 : i % 42;
  const received = RECEIVED_FROM + day * DAY + (i % 9) * 3_600_000;
  const receivedAt = toVnIso(new Date(received));
  const metAt = toVnIso(new Date(received + 3_600_000));
  const deadlines: Deadline[] = [];
  if (step !== 'classify') deadlines.push({ step: 'classify', dueAt: toVnIso(new Date(received + 3 * DAY)), metAt });
  if (step === 'handle') deadlines.push({ step: 'acknowledge', dueAt: toVnIso(new Date(received + 5 * DAY)), metAt });
  deadlines.push({ step, dueAt });
  return {
    code: `QNG-26-B${String(i).padStart(6, '0')}`,
    channel: i % 3 === 0 ? 'hotline' : 'web',
    status: STATUS[step],
    kind: i % 4 === 0 ? 'kien_nghi' : 'phan_anh',
    contentType: i % 5 === 0 ? 'quy_dinh' : 'hanh_vi',
    categoryCode: CATEGORIES[i % CATEGORIES.length] as string,
    priority: 'normal',
    ...(step === 'classify' ? {} : { agencyId: AGENCIES[i % AGENCIES.length] as string }),
    title: `Phản ánh số ${i} về việc chậm giải quyết hồ sơ`,
    content: 'Người dân phản ánh hồ sơ nộp tại bộ phận một cửa đã quá hẹn nhưng chưa có kết quả, đề nghị xem xét.',
    submitter: { name: 'Nguyễn Văn An', address: 'Phường Cẩm Thành' },
    receivedAt,
    deadlines,
    flags: [],
    duplicates: [],
    outbox: [],
    published: false,
    returnCount: 0,
    escalationLevel: 0,
    version: step === 'classify' ? 1 : step === 'acknowledge' ? 2 : 3,
    history: [
      { at: receivedAt, actor: 'citizen', action: 'received', public: true },
      ...(step !== 'classify' ? [{ at: metAt, actor: 'vpub', action: 'forwarded', public: true }] : []),
      ...(step === 'handle' ? [{ at: metAt, actor: 'officer', action: 'accepted', public: true }] : []),
    ],
  } as Case;
}

/** Case i: the first {@link DUE_CASES} due by the scan's "now" (up to a week late), the rest later. */
export function datasetCase(i: number): Case {
  if (i < DUE_CASES) {
    const late = ['2026-03-16T17:00:00+07:00', '2026-03-13T17:00:00+07:00', '2026-03-10T17:00:00+07:00'];
    return openCase(i, late[i % late.length] as string);
  }
  return openCase(i, toVnIso(new Date(Date.parse('2026-03-18T17:00:00+07:00') + (i % 40) * DAY)));
}

/** Write cases 0..n-1 with `workers` BatchWriteItem calls in flight; unprocessed items are resent. */
export async function loadDataset(
  doc: DynamoDBDocumentClient,
  table: string,
  n: number,
  workers = 4,
  onProgress?: (written: number) => void,
): Promise<void> {
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < n) {
      const start = next;
      next = Math.min(n, next + 25);
      const items = [];
      for (let i = start; i < next; i++) {
        const c = datasetCase(i);
        items.push({ PutRequest: { Item: { ...c, ...indexAttributes(c), ...caseKey(c.code) } } });
      }
      let pending: Record<string, any> | undefined = { [table]: items };
      while (pending && Object.keys(pending).length > 0) {
        pending = (await doc.send(new BatchWriteCommand({ RequestItems: pending }))).UnprocessedItems;
      }
      written += items.length;
      if (written % 10_000 < 25) onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
