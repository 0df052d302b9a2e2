import {
  Anchor,
  Button,
  Fieldset,
  Group,
  List,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { wholeDirectoryQuery } from '../organisations/directory';
import { AdvisoriesNav } from './AdvisoriesNav';
import {
  isSectorCoordinator,
  MANUAL_SEVERITIES,
  MANUAL_STATUSES,
  type ManualAdvisory,
  type ManualInput,
  type ManualSeverity,
  type ManualStatus,
  manualAdvisoryKey,
  type SavedAdvisory,
  TLP_LABELS,
  type Tlp,
} from './access';

/** One vulnerability as the form holds it: lists are comma-separated text, numbers text. */
interface VulnerabilityRow {
  cve: string;
  ids: string;
  title: string;
  cvss_vector: string;
  cvss_score: string | number;
}

interface ProductRow {
  vendor: string;
  product: string;
  model_numbers: string;
  versions: string;
  cpe: string;
  purl: string;
  status: ManualStatus;
}

interface FormState {
  title: string;
  summary: string;
  details: string;
  recommended_action: string;
  severity: ManualSeverity | '';
  lang: 'da' | 'en';
  tlp: Tlp;
  audience: string[];
  vulnerabilities: VulnerabilityRow[];
  products: ProductRow[];
  revision_note: string;
}

const EMPTY_VULNERABILITY: VulnerabilityRow = {
  cve: '',
  ids: '',
  title: '',
  cvss_vector: '',
  cvss_score: '',
};
const EMPTY_PRODUCT: ProductRow = {
  vendor: '',
  product: '',
  model_numbers: '',
  versions: '',
  cpe: '',
  purl: '',
  status: 'known_affected',
};

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The form's state from a saved advisory (or empty, for a new one). */
function formOf(saved: ManualAdvisory['input'] | undefined, lang: 'da' | 'en'): FormState {
  if (!saved) {
    return {
      title: '',
      summary: '',
      details: '',
      recommended_action: '',
      severity: '',
      lang,
      tlp: 'GREEN',
      audience: [],
      vulnerabilities: [{ ...EMPTY_VULNERABILITY }],
      products: [{ ...EMPTY_PRODUCT }],
      revision_note: '',
    };
  }
  return {
    title: saved.title,
    summary: saved.summary,
    details: saved.details ?? '',
    recommended_action: saved.recommended_action ?? '',
    severity: saved.severity ?? '',
    lang: saved.lang,
    tlp: saved.tlp,
    audience: saved.audience,
    vulnerabilities: saved.vulnerabilities.map((v) => ({
      cve: v.cve ?? '',
      ids: v.ids.join(', '),
      title: v.title ?? '',
      cvss_vector: v.cvss_vector ?? '',
      cvss_score: v.cvss_score ?? '',
    })),
    products: saved.products.map((p) => ({
      vendor: p.vendor ?? '',
      product: p.product ?? '',
      model_numbers: p.model_numbers.join(', '),
      versions: p.versions ?? '',
      cpe: p.cpe ?? '',
      purl: p.purl ?? '',
      status: p.status,
    })),
    revision_note: '',
  };
}

/** The request body: empty texts left out, lists split. */
function bodyOf(f: FormState): ManualInput {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    title: f.title.trim(),
    summary: f.summary.trim(),
    details: opt(f.details),
    recommended_action: opt(f.recommended_action),
    severity: f.severity || undefined,
    lang: f.lang,
    tlp: f.tlp,
    audience: f.tlp === 'CLEAR' || f.tlp === 'GREEN' ? [] : f.audience,
    vulnerabilities: f.vulnerabilities.map((v) => ({
      cve: opt(v.cve),
      ids: list(v.ids),
      title: opt(v.title),
      cvss_vector: opt(v.cvss_vector),
      cvss_score: typeof v.cvss_score === 'number' ? v.cvss_score : undefined,
    })),
    products: f.products.map((p) => ({
      vendor: opt(p.vendor),
      product: opt(p.product),
      model_numbers: list(p.model_numbers),
      versions: opt(p.versions),
      cpe: opt(p.cpe),
      purl: opt(p.purl),
      status: p.status,
    })),
    revision_note: opt(f.revision_note),
  };
}

/** A new advisory written by hand (sector coordinator). */
export function NewAdvisoryPage() {
  return <ManualAdvisoryForm />;
}

/** The next revision of an advisory the coordinator's sector unit wrote by hand. */
export function EditAdvisoryPage() {
  const { id } = useParams({ from: '/shell/advisories/$id/edit' });
  return <ManualAdvisoryForm id={id} />;
}

function ManualAdvisoryForm({ id }: { id?: string }) {
  const { t, i18n } = useTranslation();
  const { memberships } = useOrg();
  const may = isSectorCoordinator(memberships);
  const saved = useQuery({
    queryKey: manualAdvisoryKey(id ?? ''),
    queryFn: () => api<ManualAdvisory>('GET', `/sector/advisories/${encodeURIComponent(id ?? '')}/manual`),
    enabled: may && id !== undefined,
    retry: false,
  });
  const title = id ? t('advisories.manual.editTitle') : t('advisories.manual.newTitle');
  if (!may) {
    return (
      <Stack maw={900}>
        <PageTitle>{title}</PageTitle>
        <Text>{t('advisories.manual.notAllowed')}</Text>
      </Stack>
    );
  }
  if (id !== undefined && !saved.data) {
    return (
      <Stack maw={900}>
        <PageTitle>{title}</PageTitle>
        <ErrorAlert title={t('app.error')} error={saved.error} />
        {saved.isPending && <Text role="status">{t('app.loading')}</Text>}
      </Stack>
    );
  }
  return (
    <FormBody
      key={saved.data?.version ?? 'new'}
      id={id}
      title={title}
      saved={saved.data}
      initial={formOf(saved.data?.input, i18n.language === 'en' ? 'en' : 'da')}
    />
  );
}

function FormBody(props: { id?: string; title: string; saved?: ManualAdvisory; initial: FormState }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [f, setF] = useState<FormState>(props.initial);
  const directory = useQuery(wholeDirectoryQuery);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setF((s) => ({ ...s, [key]: value }));
  const setVulnerability = (i: number, patch: Partial<VulnerabilityRow>) =>
    setF((s) => ({
      ...s,
      vulnerabilities: s.vulnerabilities.map((v, n) => (n === i ? { ...v, ...patch } : v)),
    }));
  const setProduct = (i: number, patch: Partial<ProductRow>) =>
    setF((s) => ({ ...s, products: s.products.map((p, n) => (n === i ? { ...p, ...patch } : p)) }));
  const save = useMutation({
    mutationFn: (body: ManualInput) =>
      props.id
        ? api<SavedAdvisory>('PUT', `/sector/advisories/${encodeURIComponent(props.id)}/manual`, body)
        : api<SavedAdvisory>('POST', '/sector/advisories', body),
    onSuccess: async (done) => {
      await queryClient.invalidateQueries({ queryKey: ['advisories'] });
      await navigate({ to: '/advisories/$id', params: { id: done.id } });
    },
  });
  const fields = save.error instanceof ApiError ? save.error.fields : [];
  /** The server's reason for one field, if it refused it. */
  const err = (path: string) => fields.find((x) => x.path === `body.${path}`)?.message;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(bodyOf(f));
  };
  const restricted = f.tlp !== 'CLEAR' && f.tlp !== 'GREEN';
  return (
    <form onSubmit={submit} noValidate aria-label={props.title}>
      <Stack maw={960}>
        <AdvisoriesNav />
        <Anchor
          size="sm"
          renderRoot={(p) =>
            props.id ? (
              <Link {...p} to="/advisories/$id" params={{ id: props.id }} />
            ) : (
              <Link {...p} to="/advisories" />
            )
          }
        >
          {props.id ? t('advisories.manual.backToAdvisory') : t('advisories.backToList')}
        </Anchor>
        <PageTitle>{props.title}</PageTitle>
        <Text>
          {props.saved
            ? t('advisories.manual.editIntro', {
                tracking: props.saved.tracking_id,
                version: props.saved.version,
              })
            : t('advisories.manual.intro')}
        </Text>
        <TextInput
          label={t('advisories.manual.fields.title')}
          required
          maxLength={1000}
          value={f.title}
          onChange={(e) => set('title', e.currentTarget.value)}
          error={err('title')}
        />
        <Textarea
          label={t('advisories.manual.fields.summary')}
          required
          autosize
          minRows={3}
          maxLength={20_000}
          value={f.summary}
          onChange={(e) => set('summary', e.currentTarget.value)}
          error={err('summary')}
        />
        <Textarea
          label={t('advisories.manual.fields.details')}
          description={t('advisories.manual.optional')}
          autosize
          minRows={2}
          maxLength={50_000}
          value={f.details}
          onChange={(e) => set('details', e.currentTarget.value)}
        />
        <Textarea
          label={t('advisories.manual.fields.recommendedAction')}
          description={t('advisories.manual.optional')}
          autosize
          minRows={2}
          maxLength={10_000}
          value={f.recommended_action}
          onChange={(e) => set('recommended_action', e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <Select
            label={t('advisories.manual.fields.severity')}
            value={f.severity || null}
            clearable
            onChange={(v) => set('severity', (v ?? '') as ManualSeverity | '')}
            data={MANUAL_SEVERITIES.map((s) => ({ value: s, label: t(`advisories.manual.severity.${s}`) }))}
          />
          <Select
            label={t('advisories.manual.fields.lang')}
            allowDeselect={false}
            value={f.lang}
            onChange={(v) => v && set('lang', v as 'da' | 'en')}
            data={[
              { value: 'da', label: t('language.da') },
              { value: 'en', label: t('language.en') },
            ]}
          />
          <Select
            label={t('advisories.manual.fields.tlp')}
            allowDeselect={false}
            value={f.tlp}
            onChange={(v) => v && set('tlp', v as Tlp)}
            data={TLP_LABELS.map((l) => ({ value: l, label: `TLP:${l}` }))}
            description={t(`advisories.manual.tlpReach.${f.tlp}`)}
          />
        </Group>
        {restricted && (
          <MultiSelect
            label={t('advisories.manual.fields.audience')}
            description={t('advisories.manual.audienceHint')}
            required
            searchable
            limit={50}
            value={f.audience}
            onChange={(v) => set('audience', v)}
            data={(directory.data ?? []).map((o) => ({ value: o.slug, label: o.name }))}
            error={err('audience')}
          />
        )}
        <Fieldset legend={t('advisories.manual.vulnerabilities')}>
          <Stack>
            {f.vulnerabilities.map((v, i) => (
              <Fieldset
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
                key={i}
                legend={t('advisories.manual.vulnerability', { n: i + 1 })}
                data-testid="manual-vulnerability"
              >
                <Stack gap="xs">
                  <Group grow align="flex-start">
                    <TextInput
                      label={t('advisories.manual.fields.cve')}
                      placeholder="CVE-2026-12345"
                      value={v.cve}
                      onChange={(e) => setVulnerability(i, { cve: e.currentTarget.value })}
                      error={err(`vulnerabilities.${i}.cve`) ?? err(`vulnerabilities.${i}`)}
                    />
                    <TextInput
                      label={t('advisories.manual.fields.ids')}
                      description={t('advisories.manual.commaHint')}
                      value={v.ids}
                      onChange={(e) => setVulnerability(i, { ids: e.currentTarget.value })}
                    />
                  </Group>
                  <TextInput
                    label={t('advisories.manual.fields.vulnerabilityTitle')}
                    description={t('advisories.manual.optional')}
                    value={v.title}
                    onChange={(e) => setVulnerability(i, { title: e.currentTarget.value })}
                  />
                  <Group grow align="flex-start">
                    <TextInput
                      label={t('advisories.manual.fields.cvssVector')}
                      placeholder="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
                      value={v.cvss_vector}
                      onChange={(e) => setVulnerability(i, { cvss_vector: e.currentTarget.value })}
                      error={err(`vulnerabilities.${i}.cvss_vector`)}
                    />
                    <NumberInput
                      label={t('advisories.manual.fields.cvssScore')}
                      min={0}
                      max={10}
                      step={0.1}
                      decimalScale={1}
                      value={v.cvss_score}
                      onChange={(value) => setVulnerability(i, { cvss_score: value })}
                      error={err(`vulnerabilities.${i}.cvss_score`)}
                    />
                  </Group>
                  {f.vulnerabilities.length > 1 && (
                    <Button
                      variant="subtle"
                      color="red"
                      maw={260}
                      onClick={() =>
                        set(
                          'vulnerabilities',
                          f.vulnerabilities.filter((_, n) => n !== i),
                        )
                      }
                    >
                      {t('advisories.manual.removeVulnerability', { n: i + 1 })}
                    </Button>
                  )}
                </Stack>
              </Fieldset>
            ))}
            <Button
              variant="default"
              maw={260}
              onClick={() => set('vulnerabilities', [...f.vulnerabilities, { ...EMPTY_VULNERABILITY }])}
            >
              {t('advisories.manual.addVulnerability')}
            </Button>
          </Stack>
        </Fieldset>
        <Fieldset legend={t('advisories.manual.products')}>
          <Stack>
            <Text size="sm">{t('advisories.manual.productsHint')}</Text>
            {f.products.map((p, i) => (
              <Fieldset
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
                key={i}
                legend={t('advisories.manual.product', { n: i + 1 })}
                data-testid="manual-product"
              >
                <Stack gap="xs">
                  {err(`products.${i}`) && (
                    <Text c="red" size="sm" role="alert">
                      {err(`products.${i}`)}
                    </Text>
                  )}
                  <Group grow align="flex-start">
                    <TextInput
                      label={t('advisories.manual.fields.vendor')}
                      value={p.vendor}
                      onChange={(e) => setProduct(i, { vendor: e.currentTarget.value })}
                      error={err(`products.${i}.vendor`)}
                    />
                    <TextInput
                      label={t('advisories.manual.fields.product')}
                      value={p.product}
                      onChange={(e) => setProduct(i, { product: e.currentTarget.value })}
                    />
                  </Group>
                  <Group grow align="flex-start">
                    <TextInput
                      label={t('advisories.manual.fields.versions')}
                      description={t('advisories.manual.versionsHint')}
                      value={p.versions}
                      onChange={(e) => setProduct(i, { versions: e.currentTarget.value })}
                      error={err(`products.${i}.versions`)}
                    />
                    <TextInput
                      label={t('advisories.manual.fields.models')}
                      description={t('advisories.manual.commaHint')}
                      value={p.model_numbers}
                      onChange={(e) => setProduct(i, { model_numbers: e.currentTarget.value })}
                    />
                  </Group>
                  <Group grow align="flex-start">
                    <TextInput
                      label={t('advisories.manual.fields.cpe')}
                      placeholder="cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*"
                      value={p.cpe}
                      onChange={(e) => setProduct(i, { cpe: e.currentTarget.value })}
                      error={err(`products.${i}.cpe`)}
                    />
                    <TextInput
                      label={t('advisories.manual.fields.purl')}
                      placeholder="pkg:npm/name@1.0.0"
                      value={p.purl}
                      onChange={(e) => setProduct(i, { purl: e.currentTarget.value })}
                      error={err(`products.${i}.purl`)}
                    />
                  </Group>
                  <Select
                    label={t('advisories.manual.fields.status')}
                    allowDeselect={false}
                    maw={320}
                    value={p.status}
                    onChange={(v) => v && setProduct(i, { status: v as ManualStatus })}
                    data={MANUAL_STATUSES.map((s) => ({
                      value: s,
                      label: t(`advisories.productStatus.${s}`),
                    }))}
                  />
                  {f.products.length > 1 && (
                    <Button
                      variant="subtle"
                      color="red"
                      maw={260}
                      onClick={() =>
                        set(
                          'products',
                          f.products.filter((_, n) => n !== i),
                        )
                      }
                    >
                      {t('advisories.manual.removeProduct', { n: i + 1 })}
                    </Button>
                  )}
                </Stack>
              </Fieldset>
            ))}
            <Button
              variant="default"
              maw={260}
              onClick={() => set('products', [...f.products, { ...EMPTY_PRODUCT }])}
            >
              {t('advisories.manual.addProduct')}
            </Button>
          </Stack>
        </Fieldset>
        {props.id && (
          <TextInput
            label={t('advisories.manual.fields.revisionNote')}
            description={t('advisories.manual.optional')}
            maxLength={1000}
            value={f.revision_note}
            onChange={(e) => set('revision_note', e.currentTarget.value)}
          />
        )}
        <ErrorAlert title={t('advisories.manual.saveFailed')} error={save.error} />
        {fields.length > 1 && (
          <List size="sm" data-testid="manual-errors">
            {fields.map((x) => (
              <List.Item key={`${x.path}:${x.message}`}>{x.message}</List.Item>
            ))}
          </List>
        )}
        <Button type="submit" loading={save.isPending} maw={260}>
          {props.id ? t('advisories.manual.saveRevision') : t('advisories.manual.save')}
        </Button>
      </Stack>
    </form>
  );
}
