import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import da from '../../app/i18n/da.json';
import en from '../../app/i18n/en.json';
import { actorLabel } from './actor-label';

async function translator(lng: 'da' | 'en') {
  const i18n = createInstance();
  await i18n.init({ lng, resources: { da: { translation: da }, en: { translation: en } } });
  return i18n.t;
}

type Actor = Parameters<typeof actorLabel>[0]['actor'];
const entry = (actor: Actor) => ({ actor });

/** Every key path under an object, e.g. `import.scan`. */
const paths = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? paths(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );

describe('the audit log names who acted', () => {
  it('names a background job by what it does, in either language', async () => {
    const job = entry({ type: 'job', name: 'import.scan', id: '0190f5c2-0000-7000-8000-000000000001' });
    expect(actorLabel(job, await translator('da'))).toBe('Scanimport');
    expect(actorLabel(job, await translator('en'))).toBe('Scan import');
    const expiry = entry({ type: 'job', name: 'findings.expire_acceptances' });
    expect(actorLabel(expiry, await translator('da'))).toBe('Udløbne risikoaccepter genåbnet');
  });

  it("keeps an unknown job's code, and a person's or token's name as it is", async () => {
    const t = await translator('da');
    expect(actorLabel(entry({ type: 'job', name: 'something.new' }), t)).toBe('something.new');
    expect(actorLabel(entry({ type: 'user', name: 'anna@example.dk', id: 'u' }), t)).toBe('anna@example.dk');
    expect(actorLabel(entry({ type: 'token', id: 't' }), t)).toBe('t');
  });

  it('has every job named in both languages', () => {
    expect(paths(da.audit.jobs).sort()).toEqual(paths(en.audit.jobs).sort());
    expect(paths(en.audit.jobs)).toContain('import.scan');
  });
});
