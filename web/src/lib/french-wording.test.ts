/**
 * French wording of the features' texts: a name put in a text is never preceded by "de" (or "le"/"la"), which
 * would read "calendrier de Entebbe" for a name that begins with a vowel ("d’Entebbe"); texts name it after a
 * colon or a noun ("calendrier : Entebbe", "du prestataire RSCE"), which reads right for any name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FEATURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../features');
/** Placeholders that carry a name (of a place, calendar, provider, client entity, time zone). */
const NAME_AFTER_DE = /\b(de|le|la) \{\{\s*(name|station|provider|entity|zone|city)\s*\}\}/;

function texts(o: unknown, at: string, out: [string, string][]): [string, string][] {
  if (typeof o === 'string') out.push([at, o]);
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) texts(v, at ? `${at}.${k}` : k, out);
  return out;
}

describe('French wording', () => {
  // the cases feature is the lead's (edited in parallel): its texts are checked when it is merged
  const features = fs
    .readdirSync(FEATURES)
    .filter((f) => f !== 'cases' && fs.existsSync(path.join(FEATURES, f, 'locales', 'fr.json')));

  it.each(features)('%s: no name placeholder after "de", "le" or "la"', (feature) => {
    const fr = JSON.parse(fs.readFileSync(path.join(FEATURES, feature, 'locales', 'fr.json'), 'utf8'));
    const bad = texts(fr, '', []).filter(([, s]) => NAME_AFTER_DE.test(s));
    expect(bad).toEqual([]);
  });
});
