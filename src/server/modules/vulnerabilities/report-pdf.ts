import { createRequire } from 'node:module';
import type { Locale } from '../../lib/messages.js';
import { CRITICALITIES, type ReportData, SEVERITIES } from './report-data.js';
import { type LabelKey, label, levelName } from './report-messages.js';

/**
 * Renders the management report to PDF with pdfmake (server side, its bundled Roboto fonts, which
 * cover æ, ø and å). pdfmake may read nothing but the four font files and fetch no URL.
 */

type Content = Record<string, unknown> | string | Content[];

interface PdfMake {
  addFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

const require = createRequire(import.meta.url);
let engine: PdfMake | undefined;

function pdfmake(): PdfMake {
  if (engine) return engine;
  const made = require('pdfmake') as PdfMake;
  const fonts = require('pdfmake/fonts/Roboto.js') as { Roboto: Record<string, string> };
  const allowed = new Set(Object.values(fonts.Roboto));
  made.addFonts(fonts);
  made.setUrlAccessPolicy(() => false);
  made.setLocalAccessPolicy((path) => allowed.has(path));
  engine = made;
  return made;
}

/** Who signed, when the PDF is the signed version; absent for a draft. */
export interface Signature {
  name: string;
  email: string;
  signedAt: string;
}

const stamp = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
function table(
  headers: string[],
  rows: Array<Array<string | number>>,
  widths: Array<string | number>,
): Content {
  return {
    table: {
      headerRows: 1,
      widths,
      body: [headers.map((text) => ({ text, style: 'th' })), ...rows.map((r) => r.map((c) => String(c)))],
    },
    layout: 'lightHorizontalLines',
    style: 'table',
  };
}

function section(title: string, body: Content[]): Content[] {
  return [{ text: title, style: 'h2' }, ...body];
}

/** The document definition; exported for reading what a report prints without a PDF. */
export function reportDocument(data: ReportData, lang: Locale, signature: Signature | undefined) {
  const L = (key: LabelKey, params: Record<string, string | number> = {}) => label(key, lang, params);
  const more = (total: number, shown: number): Content[] =>
    total > shown ? [{ text: L('moreRows', { n: total - shown }), style: 'note' }] : [];
  const system = (key: string | null, name: string | null) =>
    key ? `${key}${name ? ` ${name}` : ''}` : L('noSystem');

  const matrixRows = SEVERITIES.map((s) => {
    const line = data.matrix[s];
    const total = CRITICALITIES.reduce((sum, c) => sum + line[c], 0);
    return [levelName(s, lang), ...CRITICALITIES.map((c) => line[c]), total];
  });
  const columnTotals = CRITICALITIES.map((c) => SEVERITIES.reduce((sum, s) => sum + data.matrix[s][c], 0));

  const content: Content[] = [
    { text: `${L('title')}${signature ? '' : ` (${L('draft')})`}`, style: 'h1' },
    signature ? '' : { text: L('draftNote'), style: 'draftNote' },
    {
      table: {
        widths: [120, '*'],
        body: [
          [L('organisation'), `${data.org.name} (${data.org.slug})`],
          [L('quarter'), data.quarter.label],
          [L('period'), `${data.quarter.start} – ${data.quarter.last}`],
          [L('generatedAt'), stamp(data.generatedAt)],
          ...(signature
            ? [
                [L('signedBy'), `${signature.name} <${signature.email}>`],
                [L('signedAt'), stamp(signature.signedAt)],
              ]
            : []),
        ],
      },
      layout: 'noBorders',
      style: 'table',
    },
    signature ? { text: L('signedNote'), style: 'note' } : '',
    ...section(L('summary'), [
      table(
        [L('openTotal'), L('overdueTotal'), L('kevTotal'), L('acceptedTotal')],
        [[data.openTotal, data.overdue.total, data.kev.total, data.accepted.total]],
        ['*', '*', '*', '*'],
      ),
    ]),
    ...(data.atQuarterEnd
      ? section(L('quarterEndTitle', { day: data.atQuarterEnd.day }), [
          data.atQuarterEnd.recordedDay === null
            ? { text: L('quarterEndNone'), style: 'note' }
            : { text: L('quarterEndNote', { recorded: data.atQuarterEnd.recordedDay }), style: 'note' },
          table(
            [L('unfinishedTotal'), L('overdueTotal'), L('kevTotal')],
            [[data.atQuarterEnd.unfinished, data.atQuarterEnd.overdue, data.atQuarterEnd.kev]],
            ['*', '*', '*'],
          ),
        ])
      : []),
    ...section(L('matrixTitle'), [
      { text: L('matrixNote'), style: 'note' },
      table(
        [L('severity'), ...CRITICALITIES.map((c) => levelName(c, lang)), L('total')],
        [...matrixRows, [L('total'), ...columnTotals, data.openTotal]],
        ['*', 50, 50, 50, 50, 60, 50],
      ),
    ]),
    ...section(L('overdueTitle'), [
      { text: L('overdueNote', { total: data.overdue.total }), style: 'note' },
      data.overdue.top.length === 0
        ? L('none')
        : table(
            [L('finding'), L('severity'), L('system'), L('host'), L('dueOn'), L('daysOverdue')],
            data.overdue.top.map((r) => [
              r.title,
              levelName(r.severity, lang),
              system(r.system_key, r.system_name),
              r.host,
              r.due_on,
              r.days_overdue,
            ]),
            ['*', 45, 75, 105, 55, 35],
          ),
      ...more(data.overdue.total, data.overdue.top.length),
    ]),
    ...section(L('trendTitle'), [
      { text: L('trendNote'), style: 'note' },
      table(
        [L('weekEnding'), L('openTotal')],
        data.trend.map((w) => [w.weekEnd, w.findings]),
        [120, 80],
      ),
    ]),
    ...section(L('topTitle'), [
      data.topSystems.length === 0
        ? L('none')
        : table(
            [L('system'), L('criticality'), levelName('critical', lang), levelName('high', lang)],
            data.topSystems.map((s) => [
              system(s.key, s.name),
              levelName(s.criticality, lang),
              s.critical,
              s.high,
            ]),
            ['*', 80, 60, 60],
          ),
    ]),
    ...section(L('acceptedTitle'), [
      data.accepted.items.length === 0
        ? L('none')
        : table(
            [L('finding'), L('system'), L('approver'), L('reason'), L('expires')],
            data.accepted.items.map((a) => [
              a.title,
              system(a.system_key, a.system_name),
              a.approver ?? '—',
              a.reason ?? '',
              a.accepted_until,
            ]),
            ['*', 70, 70, '*', 60],
          ),
      ...more(data.accepted.total, data.accepted.items.length),
    ]),
    ...section(L('kevTitle'), [
      data.kev.items.length === 0
        ? L('none')
        : table(
            [L('finding'), L('cves'), L('system'), L('dueOn')],
            data.kev.items.map((k) => [
              k.title,
              k.cves.join(', '),
              system(k.system_key, null),
              k.due_on ?? '',
            ]),
            ['*', 110, 70, 60],
          ),
      ...more(data.kev.total, data.kev.items.length),
    ]),
  ];

  return {
    info: {
      title: `${label('title', lang)} ${data.quarter.label} – ${data.org.name}`,
      author: 'Værn',
      subject: data.quarter.label,
    },
    language: lang === 'da' ? 'da-DK' : 'en-GB',
    pageSize: 'A4',
    pageMargins: [40, 50, 40, 50],
    ...(signature
      ? {}
      : { watermark: { text: label('draft', lang).toUpperCase(), opacity: 0.12, bold: true } }),
    footer: (page: number, pages: number) => ({
      text: `${data.org.name} · ${data.quarter.label} · ${label('page', lang, { page, pages })}`,
      style: 'footer',
    }),
    content,
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    styles: {
      h1: { fontSize: 17, bold: true, margin: [0, 0, 0, 8] },
      h2: { fontSize: 12, bold: true, margin: [0, 14, 0, 4] },
      th: { bold: true },
      note: { italics: true, color: '#444444', margin: [0, 0, 0, 4] },
      draftNote: { bold: true, color: '#9a3412', margin: [0, 0, 0, 8] },
      table: { margin: [0, 2, 0, 4] },
      footer: { fontSize: 7, color: '#555555', alignment: 'center', margin: [0, 20, 0, 0] },
    },
  };
}

/** The report as PDF bytes (compressed). */
export async function renderReportPdf(
  data: ReportData,
  lang: Locale,
  signature: Signature | undefined,
): Promise<Buffer> {
  const buffer = await pdfmake()
    .createPdf(reportDocument(data, lang, signature))
    .getBuffer();
  return Buffer.from(buffer);
}
