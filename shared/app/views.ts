/**
 * How a case is shown. The public view is built field by field from an allow-list: a submitter's
 * name, phone, email or address, internal notes and unpublished answers can never leak into it.
 */
import { type Case, currentDeadline, isOverdue, publishedResultDocuments } from '../domain/case.ts';
import type { Agency } from '../domain/directory.ts';
import { publicRating, ratingsView } from '../domain/rating.ts';

/** Staff view; the senders' rating comments only with `ratingComments` (coordinators). */
export function fullView(c: Case, now: Date, opts: { ratingComments?: boolean } = {}) {
  const { intakeKey: _k, outbox, sourcePayload: _p, escalationLevel: _e, returnCount: _r, ...rest } = c;
  return {
    ...rest,
    ratings: ratingsView(c, opts.ratingComments === true),
    dueAt: currentDeadline(c)?.dueAt,
    overdue: isOverdue(c, now),
    mails: outbox.map(({ id, template, status, attempts, sentAt, lastError }) => ({
      id,
      template,
      status,
      attempts,
      sentAt,
      lastError,
    })),
  };
}

export function publicView(c: Case, agencies: Agency[], now: Date) {
  const agency = c.agencyId ? agencies.find((a) => a.id === c.agencyId) : undefined;
  // Only the published answer's result documents, never a file the sender attached; the path
  // gives a short-lived link (`GET /v1/cases/{code}/result-documents/{id}`).
  const documents = publishedResultDocuments(c).map((a) => ({
    id: a.id,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    path: `/v1/cases/${c.code}/result-documents/${a.id}`,
  }));
  return {
    code: c.code,
    status: c.status,
    kind: c.kind,
    categoryCode: c.categoryCode,
    agency: agency
      ? { id: agency.id, name: agency.name }
      : c.agencyId
        ? { id: c.agencyId, name: c.agencyId }
        : undefined,
    receivedAt: c.receivedAt,
    dueAt: currentDeadline(c)?.dueAt,
    overdue: isOverdue(c, now),
    answer: c.published && c.answer ? { text: c.answer.text, at: c.answer.at } : undefined,
    resultDocuments: documents.length ? documents : undefined,
    history: c.history.filter((h) => h.public).map((h) => ({ action: h.action, at: h.at })),
    rating: publicRating(c),
  };
}
