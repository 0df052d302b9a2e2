import { Anchor, List, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Advisory } from './access';
import { KevBadge, TlpBadge, useAdvisoryFormats } from './format';

/** A titled section of the advisory's page. */
export function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={testId} component="section" aria-label={title}>
      <Title order={2} size="h4" mb="xs">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** The advisory's metadata as label/value rows (row headers, read well by screen readers). */
export function AdvisoryFacts({ advisory }: { advisory: Advisory }) {
  const { t } = useTranslation();
  const f = useAdvisoryFormats();
  const label = (name: string) => t(`advisories.fields.${name}`);
  const rows: Array<[string, ReactNode]> = [
    [label('tracking_id'), advisory.tracking_id],
    [label('version'), `${advisory.version} (${t(`advisories.status.${advisory.status}`)})`],
    [label('publisher'), `${advisory.publisher_name} (${advisory.publisher_namespace})`],
    [label('tlp'), <TlpBadge key="tlp" tlp={advisory.tlp} />],
    [label('initial_release'), f.date(advisory.initial_release)],
    [label('current_release'), f.date(advisory.current_release)],
    [label('cvss_max'), f.cvss(advisory.cvss_max)],
  ];
  return (
    <Section title={t('advisories.advisory.overview')} testId="advisory-overview">
      <Table>
        <Table.Tbody>
          {rows.map(([name, value]) => (
            <Table.Tr key={name}>
              <Table.Th scope="row" w="35%">
                {name}
              </Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3} size="h5" mt="md" mb={4}>
        {label('summary')}
      </Title>
      <Text
        size="sm"
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
        data-testid="advisory-summary"
      >
        {advisory.summary?.trim() || t('advisories.advisory.none')}
      </Text>
    </Section>
  );
}

/** Each vulnerability: its CVE, CVSS, whether it is known to be exploited (KEV), its EPSS. */
export function VulnerabilitiesTable({ advisory }: { advisory: Advisory }) {
  const { t } = useTranslation();
  const f = useAdvisoryFormats();
  return (
    <Section title={t('advisories.advisory.vulnerabilities')} testId="advisory-vulnerabilities">
      {advisory.vulnerabilities.length === 0 ? (
        <Text size="sm">{t('advisories.advisory.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table striped>
            <VisuallyHidden component="caption">{t('advisories.advisory.vulnerabilities')}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('advisories.fields.cve')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.cvss')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.kev')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.epss')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {advisory.vulnerabilities.map((v) => (
                <Table.Tr key={v.vulnerability_id} data-testid="vulnerability-row">
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {v.ref}
                    </Text>
                    {v.title && <Text size="xs">{v.title}</Text>}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{f.cvss(v.cvss_score)}</Text>
                    {v.cvss_vector && (
                      <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                        {v.cvss_vector}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {v.in_kev ? (
                      <Stack gap={2}>
                        <KevBadge />
                        {v.kev_due_date && (
                          <Text size="xs">{t('advisories.kev.due', { date: f.date(v.kev_due_date) })}</Text>
                        )}
                      </Stack>
                    ) : (
                      <Text size="sm">{t('advisories.kev.no')}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {v.epss === null ? (
                      '—'
                    ) : (
                      <Text size="sm">
                        {t('advisories.epss.value', {
                          epss: f.percent(v.epss),
                          percentile: f.percent(v.percentile),
                        })}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

/** The products the advisory names, how it identifies them, and its status for each vulnerability. */
export function ProductsTable({ advisory }: { advisory: Advisory }) {
  const { t } = useTranslation();
  const f = useAdvisoryFormats();
  return (
    <Section title={t('advisories.advisory.products')} testId="advisory-products">
      {advisory.products.length === 0 ? (
        <Text size="sm">{t('advisories.advisory.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped>
            <VisuallyHidden component="caption">{t('advisories.advisory.products')}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('advisories.fields.product')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.versions')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.identifiers')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.product_status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {advisory.products.map((p) => (
                <Table.Tr key={p.product_id} data-testid="product-row">
                  <Table.Td>
                    <Text size="sm">{p.name}</Text>
                    {(p.vendor || p.product) && (
                      <Text size="xs">{[p.vendor, p.product].filter(Boolean).join(' · ')}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{f.text(p.version_text)}</Text>
                    <Text size="xs">{t(`advisories.range.${p.range_state}`)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text
                      size="xs"
                      ff="monospace"
                      style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}
                    >
                      {[
                        p.cpe,
                        p.purl,
                        p.model_numbers.length > 0
                          ? `${t('advisories.fields.models')}: ${p.model_numbers.join(', ')}`
                          : null,
                      ]
                        .filter(Boolean)
                        .join('\n') || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {p.statuses.length === 0 ? (
                      '—'
                    ) : (
                      <List size="sm" listStyleType="none" spacing={2}>
                        {p.statuses.map((s) => (
                          <List.Item key={`${s.vulnerability}-${s.status}`} data-status={s.status}>
                            {`${s.vulnerability}: ${t(`advisories.productStatus.${s.status}`)}`}
                          </List.Item>
                        ))}
                      </List>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

/** What to do: each vulnerability's remediations, with the products they apply to. */
export function Remediations({ advisory }: { advisory: Advisory }) {
  const { t } = useTranslation();
  const f = useAdvisoryFormats();
  const names = new Map(advisory.products.map((p) => [p.product_id, p.name]));
  const items = advisory.vulnerabilities.flatMap((v) =>
    v.remediations.map((r, i) => ({ key: `${v.vulnerability_id}-${i}`, ref: v.ref, ...r })),
  );
  return (
    <Section title={t('advisories.advisory.remediations')} testId="advisory-remediations">
      {items.length === 0 ? (
        <Text size="sm">{t('advisories.advisory.none')}</Text>
      ) : (
        <Stack gap="sm">
          {items.map((r) => (
            <Paper key={r.key} withBorder p="sm" data-testid="remediation">
              <Text size="sm" fw={600}>
                {`${r.ref}: ${t(`advisories.remediation.${r.category}`, { defaultValue: r.category })}`}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {r.details}
              </Text>
              {r.url &&
                (/^https?:\/\//i.test(r.url) ? (
                  <Anchor href={r.url} size="sm" target="_blank" rel="noopener noreferrer">
                    {r.url}
                  </Anchor>
                ) : (
                  <Text size="sm">{r.url}</Text>
                ))}
              {r.date && <Text size="xs">{t('advisories.remediation.date', { date: f.date(r.date) })}</Text>}
              {r.product_ids.length > 0 && (
                <Text size="xs">
                  {t('advisories.remediation.products', {
                    products: r.product_ids.map((id) => names.get(id) ?? id).join(', '),
                  })}
                </Text>
              )}
            </Paper>
          ))}
        </Stack>
      )}
    </Section>
  );
}
