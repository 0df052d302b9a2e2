import {
  Button,
  Group,
  NativeSelect,
  NumberInput,
  Paper,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { canEnterTests, SEVERITIES, type Severity } from './access';
import { FindingsNav } from './FindingsNav';
import { FindingsLink } from './links';
import {
  enterTestFinding,
  TEST_KINDS,
  type TestFindingBody,
  type TestKind,
  testFindingKey,
  useSystemSearch,
} from './test-findings';

/** The server's limits (test-findings-schemas.ts testFindingBody). */
const MAX = { engagement: 200, tester: 200, title: 1000, host: 300, cvss_vector: 200, text: 20000 };
const PROTOCOL = /^[a-z0-9_-]{1,20}$/i;
const CVE = /^CVE-[0-9]{4}-[0-9]{4,19}$/i;

interface Values {
  kind: TestKind;
  engagement: string;
  tester: string;
  tested_on: string;
  title: string;
  severity: Severity | '';
  system: string;
  host: string;
  port: string | number;
  protocol: string;
  cvss: string | number;
  cvss_vector: string;
  cves: string;
  description: string;
  solution: string;
  evidence: string;
}

type Field = keyof Values;
type Errors = Partial<Record<Field, string>>;

const EMPTY: Values = {
  kind: 'pentest',
  engagement: '',
  tester: '',
  tested_on: '',
  title: '',
  severity: '',
  system: '',
  host: '',
  port: '',
  protocol: '',
  cvss: '',
  cvss_vector: '',
  cves: '',
  description: '',
  solution: '',
  evidence: '',
};

/** The CVE ids as written: separated by commas, spaces or new lines. */
const cveList = (s: string) => s.split(/[\s,;]+/).filter((c) => c !== '');

/** The form's values checked as the server checks them; the body to send when nothing is wrong. */
function validate(v: Values): { errors: Errors; body?: TestFindingBody } {
  const errors: Errors = {};
  const required = (f: 'engagement' | 'title') => {
    if (!v[f].trim()) errors[f] = 'required';
    else if (v[f].trim().length > MAX[f]) errors[f] = 'tooLong';
  };
  required('engagement');
  required('title');
  if (v.tester.trim().length > MAX.tester) errors.tester = 'tooLong';
  if (v.host.trim().length > MAX.host) errors.host = 'tooLong';
  if (v.cvss_vector.length > MAX.cvss_vector) errors.cvss_vector = 'tooLong';
  if (v.severity === '') errors.severity = 'severityRequired';
  if (v.tested_on !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(v.tested_on)) errors.tested_on = 'date';
  const port = v.port === '' ? undefined : Number(v.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) errors.port = 'port';
  const cvss = v.cvss === '' ? undefined : Number(v.cvss);
  if (cvss !== undefined && !(Number.isFinite(cvss) && cvss >= 0 && cvss <= 10)) errors.cvss = 'cvss';
  if (v.protocol.trim() !== '' && !PROTOCOL.test(v.protocol.trim())) errors.protocol = 'protocol';
  const cves = cveList(v.cves);
  if (cves.some((c) => !CVE.test(c)) || cves.length > 100) errors.cves = 'cves';
  for (const f of ['description', 'solution', 'evidence'] as const)
    if (v[f].length > MAX.text) errors[f] = 'tooLong';
  if (Object.keys(errors).length > 0 || v.severity === '') return { errors };
  const optional = (s: string) => (s.trim() === '' ? undefined : s.trim());
  const body: TestFindingBody = {
    kind: v.kind,
    engagement: v.engagement.trim(),
    title: v.title.trim(),
    severity: v.severity,
    tester: optional(v.tester),
    tested_on: optional(v.tested_on),
    system: optional(v.system),
    host: optional(v.host),
    port,
    protocol: optional(v.protocol),
    cvss,
    cvss_vector: optional(v.cvss_vector),
    cves: cves.length > 0 ? cves.map((c) => c.toUpperCase()) : undefined,
    description: optional(v.description),
    solution: optional(v.solution),
    evidence: v.evidence.trim() === '' ? undefined : v.evidence,
  };
  for (const k of Object.keys(body) as Array<keyof TestFindingBody>)
    if (body[k] === undefined) delete body[k];
  return { errors, body };
}

/** The inventory's systems, searched on the server, as a select (the key is sent). */
function SystemPicker(props: { org: string; value: string; error?: string; onChange(key: string): void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 300);
  const systems = useSystemSearch(props.org, q);
  const items = systems.data?.items ?? [];
  // The chosen system stays a choice while another search runs.
  const options = [
    { value: '', label: t('findings.tests.noSystem') },
    ...(props.value && !items.some((s) => s.key === props.value)
      ? [{ value: props.value, label: props.value }]
      : []),
    ...items.map((s) => ({ value: s.key, label: `${s.key} · ${s.name}` })),
  ];
  return (
    <Group align="flex-start" gap="sm" wrap="wrap">
      <TextInput
        type="search"
        label={t('findings.tests.systemSearch')}
        description={t('findings.tests.systemSearchHint')}
        w={260}
        maxLength={200}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      <NativeSelect
        label={t('findings.fields.system')}
        description={t('findings.tests.systemHint')}
        w={360}
        data={options}
        value={props.value}
        error={props.error}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      <ErrorAlert title={t('app.error')} error={systems.error} />
    </Group>
  );
}

/** Enter a penetration-test or red-team result as a finding; on success its page opens. */
export function TestFindingPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings/tests/new' });
  const { memberships, nameOf } = useOrg();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const save = useMutation({
    mutationFn: (body: TestFindingBody) => enterTestFinding(org, body),
    onSuccess: async (created) => {
      queryClient.setQueryData(testFindingKey(org, created.finding.id), created);
      queryClient.setQueryData(['findings', org, 'finding', created.finding.id], created.finding);
      await queryClient.invalidateQueries({ queryKey: ['findings', org, 'list'] });
      await navigate({ to: '/orgs/$org/findings/$id', params: { org, id: created.finding.id } });
    },
  });
  if (!canEnterTests(memberships.find((m) => m.org === org))) {
    return (
      <Stack maw={720}>
        <FindingsLink org={org}>{t('findings.backToList')}</FindingsLink>
        <PageTitle>{t('findings.tests.title')}</PageTitle>
        <Text data-testid="tests-no-access">{t('findings.tests.noAccess')}</Text>
      </Stack>
    );
  }
  const set =
    <F extends Field>(f: F) =>
    (value: Values[F]) =>
      setValues((v) => ({ ...v, [f]: value }));
  const error = (f: Field) => {
    const code = errors[f];
    if (!code) return undefined;
    const max = f === 'description' || f === 'solution' || f === 'evidence' ? MAX.text : MAX[f as 'title'];
    return t(`findings.tests.errors.${code}`, { max });
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { errors: found, body } = validate(values);
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first || !body) {
      // Once the messages are drawn, the first field in error takes the focus (its message is tied to it).
      const form = e.currentTarget;
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate(body);
  };
  const text = (f: 'engagement' | 'tester' | 'title' | 'host' | 'cvss_vector', max: number) => ({
    value: values[f],
    error: error(f),
    maxLength: max,
    onChange: (e: { currentTarget: { value: string } }) => set(f)(e.currentTarget.value),
  });
  return (
    <Stack maw={960}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.tests.title')}</PageTitle>
      <Text>{t('findings.tests.intro', { org: nameOf(org) })}</Text>
      <Paper withBorder p="md">
        <form onSubmit={submit} aria-label={t('findings.tests.title')} noValidate data-testid="test-form">
          <Stack gap="lg">
            <Stack gap="sm" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
              <Title order={2} size="h4" component="legend">
                {t('findings.tests.engagement')}
              </Title>
              <Radio.Group
                label={t('findings.tests.kind')}
                value={values.kind}
                onChange={(v) => set('kind')(v as TestKind)}
              >
                <Group gap="md" mt="xs">
                  {TEST_KINDS.map((k) => (
                    <Radio key={k} value={k} label={t(`findings.tests.kinds.${k}`)} />
                  ))}
                </Group>
              </Radio.Group>
              <TextInput
                label={t('findings.tests.engagementName')}
                description={t('findings.tests.engagementHint')}
                required
                {...text('engagement', MAX.engagement)}
              />
              <Group align="flex-start" gap="sm" wrap="wrap" grow>
                <TextInput label={t('findings.tests.tester')} {...text('tester', MAX.tester)} />
                <TextInput
                  type="date"
                  label={t('findings.tests.testedOn')}
                  value={values.tested_on}
                  error={error('tested_on')}
                  onChange={(e) => set('tested_on')(e.currentTarget.value)}
                />
              </Group>
            </Stack>
            <Stack gap="sm" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
              <Title order={2} size="h4" component="legend">
                {t('findings.tests.result')}
              </Title>
              <TextInput label={t('findings.tests.findingTitle')} required {...text('title', MAX.title)} />
              <NativeSelect
                label={t('findings.fields.severity')}
                required
                w={260}
                data={[
                  { value: '', label: t('findings.tests.chooseSeverity') },
                  ...SEVERITIES.map((s) => ({ value: s, label: t(`findings.severity.${s}`) })),
                ]}
                value={values.severity}
                error={error('severity')}
                onChange={(e) => set('severity')(e.currentTarget.value as Severity | '')}
              />
              <SystemPicker
                org={org}
                value={values.system}
                error={error('system')}
                onChange={set('system')}
              />
              <Group align="flex-start" gap="sm" wrap="wrap" grow>
                <TextInput
                  label={t('findings.tests.host')}
                  description={t('findings.tests.hostHint')}
                  {...text('host', MAX.host)}
                />
                <NumberInput
                  label={t('findings.tests.port')}
                  min={0}
                  max={65535}
                  allowDecimal={false}
                  allowNegative={false}
                  value={values.port}
                  error={error('port')}
                  onChange={set('port')}
                />
                <TextInput
                  label={t('findings.tests.protocol')}
                  description={t('findings.tests.protocolHint')}
                  maxLength={20}
                  value={values.protocol}
                  error={error('protocol')}
                  onChange={(e) => set('protocol')(e.currentTarget.value)}
                />
              </Group>
              <Group align="flex-start" gap="sm" wrap="wrap" grow>
                <NumberInput
                  label={t('findings.fields.cvss')}
                  min={0}
                  max={10}
                  step={0.1}
                  decimalScale={1}
                  allowNegative={false}
                  value={values.cvss}
                  error={error('cvss')}
                  onChange={set('cvss')}
                />
                <TextInput
                  label={t('findings.fields.cvss_vector')}
                  {...text('cvss_vector', MAX.cvss_vector)}
                />
              </Group>
              <TextInput
                label={t('findings.fields.cves')}
                description={t('findings.tests.cvesHint')}
                value={values.cves}
                error={error('cves')}
                onChange={(e) => set('cves')(e.currentTarget.value)}
              />
              {(['description', 'solution', 'evidence'] as const).map((f) => (
                <Textarea
                  key={f}
                  label={t(f === 'evidence' ? 'findings.tests.evidence' : `findings.fields.${f}`)}
                  autosize
                  minRows={3}
                  maxLength={MAX.text}
                  value={values[f]}
                  error={error(f)}
                  onChange={(e) => set(f)(e.currentTarget.value)}
                />
              ))}
            </Stack>
            <ErrorAlert title={t('findings.tests.failed')} error={save.error} />
            <Group>
              <Button type="submit" loading={save.isPending}>
                {t('findings.tests.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
