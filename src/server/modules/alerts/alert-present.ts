import type { AlertRow, AnswerRow, InboxRow } from './alert-queries.js';

const iso = (d: Date | string) => new Date(d).toISOString();

export const presentAnswer = (a: AnswerRow) => ({
  status: a.status,
  note: a.note,
  answered_by: a.answered_by,
  via: a.via,
  answered_at: iso(a.answered_at),
});

export const presentInboxItem = (r: InboxRow) => ({
  id: r.id,
  title: r.title,
  severity: r.severity,
  tlp: r.tlp,
  advisory_id: r.advisory_id,
  created_at: iso(r.created_at),
  answer: r.answer ? presentAnswer(r.answer) : null,
});

export const presentAlert = (r: AlertRow, answers: AnswerRow[], mayAnswer: boolean) => ({
  ...presentInboxItem(r),
  body: r.body,
  recommended_action: r.recommended_action,
  answers: answers.map(presentAnswer),
  may_answer: mayAnswer,
});
