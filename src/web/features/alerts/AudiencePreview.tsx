import { Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Tlp } from '../advisories/access';
import type { AlertSeverity } from './access';
import { type Audience, type AudienceCounts, audienceIsEmpty, sectorAlertsKey } from './sector';

/** An organisation's own alert (POST /orgs/{org}/issued-alerts/preview): itself, children, named members. */
export interface OrgPreviewInput {
  tlp: Tlp;
  severity: AlertSeverity;
  audience: { children: boolean; people: string[] };
}

export interface PreviewInput {
  tlp: Tlp;
  /** Subscriptions filter by severity; the server counts a missing one as critical. */
  severity?: AlertSeverity;
  advisory_id?: string;
  audience: Audience;
}

/** How long the audience must stay unchanged before it is counted again (ms). */
const PREVIEW_DELAY_MS = 400;

/**
 * How many organisations and people the audience reaches under the label, counted by the server
 * (POST /sector/alerts/preview, or an organisation's own issued-alerts/preview; both store nothing)
 * once the audience has stopped changing.
 */
export function AudiencePreview(
  props: { input: PreviewInput } | { input: OrgPreviewInput; url: string; empty: boolean },
) {
  const { input } = props;
  // The sector coordinator's preview unless the organisation's own is given.
  const url = 'url' in props ? props.url : '/sector/alerts/preview';
  const { t } = useTranslation();
  const json = JSON.stringify(input);
  const [settled] = useDebouncedValue(json, PREVIEW_DELAY_MS);
  const empty = 'url' in props ? props.empty : audienceIsEmpty(props.input.audience);
  const preview = useQuery({
    queryKey: [...sectorAlertsKey, 'preview', url, settled],
    queryFn: () => api<AudienceCounts>('POST', url, JSON.parse(settled) as PreviewInput | OrgPreviewInput),
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
      {!empty && preview.data && (
        <Text size="sm" data-testid="audience-subscribers">
          {t('alerts.sector.preview.subscribers', {
            subscribers: t('alerts.sector.preview.people', { count: preview.data.subscribers }),
            emails: t('alerts.sector.preview.emails', { count: preview.data.emails }),
            notifications: t('alerts.sector.preview.notifications', { count: preview.data.notifications }),
          })}
        </Text>
      )}
      {!empty && <ErrorAlert title={t('alerts.sector.preview.failed')} error={preview.error} />}
    </>
  );
}
