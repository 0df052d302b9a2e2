import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** SQL of the sector coordinator's alert list and board (migration 0027). */

export interface SectorAlertRow {
  id: string;
  title: string;
  severity: string;
  tlp: string;
  created_at: Date;
  recipients: number | null;
  answered: number | null;
  median_ack_seconds: number | null;
}

/** The sector unit's alerts, newest first, with their counts. */
export async function listSectorAlerts(
  tx: Tx,
  sectorUnitId: string,
  after: [string, string] | undefined,
  limit: number,
): Promise<SectorAlertRow[]> {
  const cond = after ? sql`and (a.created_at, a.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``;
  const r = await sql<SectorAlertRow>`
    with page as (
      select a.id, a.title, a.severity, a.tlp, a.created_at from alerts a
      where a.sector_unit_id = ${sectorUnitId} ${cond}
      order by a.created_at desc, a.id desc limit ${limit + 1})
    select p.*, s.recipients, s.answered, s.median_ack_seconds
    from page p
    left join vaern_alert_summaries(${sectorUnitId}::uuid, array(select id from page)) s on s.alert_id = p.id
    order by p.created_at desc, p.id desc`.execute(tx.q);
  return r.rows;
}

export async function findSectorAlert(tx: Tx, sectorUnitId: string, id: string) {
  const r = await sql<{ id: string; title: string; severity: string; tlp: string; created_at: Date }>`
    select id, title, severity, tlp, created_at from alerts
    where id = ${id}::uuid and sector_unit_id = ${sectorUnitId}`.execute(tx.q);
  return r.rows[0];
}

export interface BoardRow {
  org_id: string;
  slug: string;
  name: string;
  kind: string;
  mails: number;
  mails_sent: number;
  first_answer_at: Date | null;
  last_status: string | null;
  last_answer_at: Date | null;
  last_note: string | null;
  answers: number;
  escalation: number | null;
}

export async function board(tx: Tx, alertId: string): Promise<BoardRow[]> {
  const r = await sql<BoardRow>`select * from vaern_alert_board(${alertId}::uuid)`.execute(tx.q);
  return r.rows;
}

export async function summary(tx: Tx, sectorUnitId: string, alertId: string) {
  const r = await sql<{ recipients: number; answered: number; median_ack_seconds: number | null }>`
    select recipients, answered, median_ack_seconds
    from vaern_alert_summaries(${sectorUnitId}::uuid, array[${alertId}::uuid])`.execute(tx.q);
  return r.rows[0];
}
