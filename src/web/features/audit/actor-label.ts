import type { TFunction } from 'i18next';
import type { AuditEntry } from './filters';

/** Who acted: a person or token by name, a background job by what it does (its code otherwise). */
export function actorLabel(entry: Pick<AuditEntry, 'actor'>, t: TFunction): string {
  const { type, name, id } = entry.actor;
  if (type === 'job' && name) return t(`audit.jobs.${name}`, { defaultValue: name });
  return name ?? id ?? '';
}
