import { Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Tlp } from '../advisories/access';
import { type Audience, type AudienceCounts, audienceIsEmpty, sectorAlertsKey } from './sector';

export interface PreviewInput {
  tlp: Tlp;
  advisory_id?: string;
  audience: Audience;
}

/** How long the audience must stay unchanged before it is counted again (ms). */
const PREVIEW_DELAY_MS = 400;

/**
 * How many organisations and people the audience reaches under the label, counted by the server
 * (POST /sector/alerts/preview stores nothing) once the audience has stopped changing.
 */
export function AudiencePreview({ input }: { input: PreviewInput }) {
  const { t } = useTranslation();
  const json = JSON.stringify(input);
  const [settled] = useDebouncedValue(json, PREVIEW_DELAY_MS);
  const empty = audienceIsEmpty(input.audience);
  const preview = useQuery({
    queryKey: [...sectorAlertsKey, 'preview', settled],
    queryFn: () => api<AudienceCounts>('POST', '/sector/alerts/preview', JSON.parse(settled) as PreviewInput),
    enabled: !empty && settled === json,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const fresh =
    !empty && settled === json && preview.isSuccess && !preview.isFetching && !preview.isPlaceholderData;
  return (
    <>
      <Text
        role="status"
        fw={600}
        data-testid="audience-preview"
        data-fresh={fresh}
        aria-busy={!fresh && !empty}
      >
        {empty
          ? t('alerts.sector.preview.empty')
          : preview.data
            ? t('alerts.sector.preview.reaches', {
                organisations: t('alerts.sector.preview.organisations', {
                  count: preview.data.organisations,
                }),
                people: t('alerts.sector.preview.people', { count: preview.data.people }),
              })
            : t('alerts.sector.preview.counting')}
      </Text>
      {!empty && <ErrorAlert title={t('alerts.sector.preview.failed')} error={preview.error} />}
    </>
  );
}
