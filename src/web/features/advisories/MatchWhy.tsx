import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AdvisoryMatch } from './access';
import { ConfidenceBadge } from './format';

/**
 * Why a system or component is matched, in words: the basis (package URL, CPE, model number,
 * name), whether its version lies in the advisory's range, and how sure that makes the match
 * (docs/advisories-matching.md, "The rules").
 */
export function MatchWhy({ match }: { match: AdvisoryMatch }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <ConfidenceBadge confidence={match.confidence} />
      <Text size="sm" data-testid="match-basis">
        {t(`advisories.basis.${match.basis}`)}
      </Text>
      <Text size="xs">{t(`advisories.versionStatus.${match.version_status}`)}</Text>
      <Text size="xs">{t(`advisories.confidenceExplained.${match.confidence}`)}</Text>
    </Stack>
  );
}

/** The item matched: a component of the system (with its version) or the system itself. */
export function MatchItem({ match }: { match: AdvisoryMatch }) {
  const { t } = useTranslation();
  const { item } = match;
  const name = item.label ? `${item.key} · ${item.label}` : item.key;
  return (
    <Stack gap={0}>
      <Text size="sm">{t(`advisories.item.${item.type}`, { name })}</Text>
      {item.version && <Text size="xs">{t('advisories.item.version', { version: item.version })}</Text>}
    </Stack>
  );
}

/** The match's review: waiting, not needed (certain), or the decision with its note. */
export function MatchReview({ match }: { match: AdvisoryMatch }) {
  const { t } = useTranslation();
  const f = match.review;
  if (f) {
    return (
      <Stack gap={0}>
        <Text size="sm" data-review={f.decision}>
          {t(`advisories.review.decided.${f.decision}`)}
        </Text>
        {f.note && <Text size="xs">{f.note}</Text>}
      </Stack>
    );
  }
  return (
    <Text size="sm" data-review={match.needs_review ? 'pending' : 'none'}>
      {t(match.needs_review ? 'advisories.review.pending' : 'advisories.review.notNeeded')}
    </Text>
  );
}
