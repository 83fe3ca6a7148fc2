/**
 * The web UI's translations are complete: English and French have the same keys with the same
 * placeholders, no empty text, and every key the code asks for exists (literal `t('a.b')` keys, the
 * navigation labels, and the families built from API values: kinds, regions, scopes, delivery, units, roles,
 * case states, transitions, priorities and timeline events, taken from the server's own schemas so that a
 * new value on the server shows up here), and every problem code the server throws (`new AppError('CODE'`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CASE_STATES, TRANSITIONS } from '../src/modules/cases/lifecycle.ts';
import { SERVICE_UNITS } from '../src/modules/catalogue/catalogue.schema.ts';
import { ENTITY_KINDS, PROVIDER_KINDS } from '../src/modules/directory/directory.schema.ts';
import { ROLES } from '../src/modules/identity/identity.schema.ts';
import * as ui from '../web/src/api/types.ts';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web', 'src');
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(o: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

/** The core dictionary plus every feature's own `features/<name>/locales/<lang>.json` (no top-level key twice). */
function load(lang: string): Map<string, string> {
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const merged = read(path.join(WEB, 'locales', `${lang}.json`));
  const features = path.join(WEB, 'features');
  for (const feature of fs.readdirSync(features)) {
    const file = path.join(features, feature, 'locales', `${lang}.json`);
    if (!fs.existsSync(file)) continue;
    for (const [k, v] of Object.entries(read(file))) {
      if (k in merged) throw new Error(`${file}: top-level key "${k}" is already defined`);
      merged[k] = v;
    }
  }
  return flatten(merged);
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.tsx?$/.test(d.name) ? [fs.readFileSync(p, 'utf8')] : [];
  });
}

const en = load('en');
const fr = load('fr');
/** Whether `key` resolves in `dict`, directly or through its plural forms. */
const has = (dict: Map<string, string>, key: string) => dict.has(key) || dict.has(`${key}_other`);
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('web UI translations', () => {
  it("the UI's lists of kinds are the server's", () => {
    expect([...ui.PROVIDER_KINDS]).toEqual([...PROVIDER_KINDS]);
    expect([...ui.ENTITY_KINDS]).toEqual([...ENTITY_KINDS]);
    expect([...ui.CASE_STATES]).toEqual([...CASE_STATES]);
    expect([...ui.TRANSITIONS]).toEqual([...TRANSITIONS]);
  });

  it('English and French have exactly the same keys, none empty', () => {
    expect([...fr.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [k, v] of [...en, ...fr]) expect(v.trim(), k).not.toBe('');
  });

  it('each French text uses the same placeholders as the English one', () => {
    for (const [k, v] of en) {
      const f = fr.get(k) ?? '';
      // plural forms may drop {{count}} (e.g. "one")
      const strip = (xs: Array<string | undefined>) => (PLURAL.test(k) ? xs.filter((x) => x !== 'count') : xs);
      expect(strip(placeholders(f)), k).toEqual(strip(placeholders(v)));
    }
  });

  it('every key the code uses exists', () => {
    const code = sources(WEB).join('\n');
    const literal = [...code.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)].map((m) => m[1] as string);
    const navLabels = [...code.matchAll(/(?:label|section): '([a-zA-Z]+\.[a-zA-Z0-9.]+)'/g)].map((m) => m[1] as string);
    expect(literal.length).toBeGreaterThan(100);
    expect(navLabels.length).toBeGreaterThan(10);
    const families = [
      ...PROVIDER_KINDS.map((k) => `providerKind.${k}`),
      ...ENTITY_KINDS.map((k) => `entityKind.${k}`),
      ...ui.REGIONS.map((r) => `region.${r}`),
      ...['global', 'regional', 'local'].map((s) => `scope.${s}`),
      ...['remote', 'on-site'].map((d) => `delivery.${d}`),
      ...['fit', 'world', 'americas', 'europe', 'africa', 'middle-east-asia'].map((v) => `maps.view.${v}`),
      ...SERVICE_UNITS.map((u) => `unit.${u}`),
      ...ROLES.map((r) => `role.${r}`),
      ...CASE_STATES.map((s) => `caseState.${s}`),
      ...TRANSITIONS.map((x) => `transition.${x}`),
      ...TRANSITIONS.map((x) => `transitionHelp.${x}`),
      ...ui.PRIORITIES.map((p) => `priority.${p}`),
      ...['impactLevel', 'urgencyLevel', 'impactIs', 'urgencyIs'].flatMap((f) => ['1', '2', '3'].map((l) => `${f}.${l}`)),
      ...['open', 'all'].map((x) => `cases.tab.${x}`),
      // every event type the server writes (grep "type: '" in src/modules/cases)
      ...[
        'created',
        'routed',
        'state-changed',
        'reopened',
        'transferred',
        'child-task-opened',
        'merged',
        'duplicate-merged',
        'assigned',
        'reply-added',
        'note-added',
        'attachment-added',
        'imported-activity',
        'priority-changed',
        'sla-warning',
        'sla-breached',
      ].map((e) => `caseEvent.${e}`),
      ...['routed', 'no-assignment', 'transferred', 'child-task', 'reopened', 'imported', 'cancelled', 'closed', 'merged'].map(
        (r) => `segmentReason.${r}`,
      ),
    ];
    const missing = [...new Set([...literal, ...navLabels, ...families])].filter((k) => !has(en, k) || !has(fr, k));
    expect(missing).toEqual([]);
  });

  it('every problem code the server throws has a text in each language (the UI shows it outside English)', () => {
    const server = sources(path.resolve(WEB, '..', '..', 'src')).join('\n');
    const codes = [...new Set([...server.matchAll(/new AppError\(\s*'([A-Z_]+)'/g)].map((m) => m[1] as string))];
    expect(codes.length).toBeGreaterThan(40);
    expect(codes.filter((c) => !has(en, `problems.${c}`) || !has(fr, `problems.${c}`))).toEqual([]);
  });
});
