import type { z } from 'zod';
import type {
  audience,
  audienceCounts,
  composeBody,
  composedAlert,
} from '../../../server/modules/alerts/alert-schemas';
import type { alertBoard, sectorAlert } from '../../../server/modules/alerts/board-schemas';

/** The sector coordinator's alerts API, from the server's zod schemas (types only). */
export type SectorAlert = z.infer<typeof sectorAlert>;
export type AlertBoard = z.infer<typeof alertBoard>;
export type BoardOrganisation = AlertBoard['organisations'][number];
export type Audience = z.output<typeof audience>;
export type AudienceCounts = z.infer<typeof audienceCounts>;
export type ComposeInput = z.input<typeof composeBody>;
export type ComposedAlert = z.infer<typeof composedAlert>;

export const sectorAlertsKey = ['sector-alerts'] as const;
/** An organisation's own issued alerts (the same shapes as the sector's list and board). */
export const issuedAlertsKey = (org: string) => ['alerts', org, 'issued'] as const;

/** How often the board reads the answers again (ms): it is the live view of a running alert. */
export const BOARD_REFRESH_MS = 15_000;

/** Whether an audience names anything at all (the server refuses an empty one: alerts.audience_empty). */
export const audienceIsEmpty = (a: Audience): boolean =>
  a.kinds.length === 0 &&
  a.regions.length === 0 &&
  !a.affected &&
  a.organisations.length === 0 &&
  a.people.length === 0;

/** A duration as the largest two units that matter: [unit, amount] pairs, for translation. */
export function durationParts(seconds: number): Array<['days' | 'hours' | 'minutes' | 'seconds', number]> {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return [['seconds', s]];
  const minutes = Math.round(s / 60);
  if (minutes < 60) return [['minutes', minutes]];
  if (minutes < 1440) {
    const parts: Array<['hours' | 'minutes', number]> = [['hours', Math.floor(minutes / 60)]];
    if (minutes % 60 > 0) parts.push(['minutes', minutes % 60]);
    return parts;
  }
  const hours = Math.round(s / 3600);
  const parts: Array<['days' | 'hours', number]> = [['days', Math.floor(hours / 24)]];
  if (hours % 24 > 0) parts.push(['hours', hours % 24]);
  return parts;
}
