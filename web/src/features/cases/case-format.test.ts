/** The routing reason of a case in the reader's language, from the routed event's details. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../lib/test-translator.ts';
import en from '../../locales/en.json';
import fr from '../../locales/fr.json';
import { routingReason } from './case-format.ts';

/** The translation function of `lng` over this test's dictionaries. */
const translatorOf = (lng: 'en' | 'fr') => translator(lng, lng === 'en' ? en : fr);

describe('routing reason', () => {
  it('says the assignment in French with its scope translated, and keeps the basis (data) apart', async () => {
    const details = {
      reason: 'Assigned provider UNON (global); basis: para 16',
      routing: { rule: 'assignment', provider: 'UNON', scope: 'global', basis: 'para 16 (payroll provided globally by UNON)' },
    };
    expect(routingReason(await translatorOf('fr'), details)).toEqual({
      text: 'Prestataire attribué : UNON (portée mondiale) ; fondement :',
      basis: 'para 16 (payroll provided globally by UNON)',
    });
    expect(routingReason(await translatorOf('en'), details)?.text).toBe('Assigned provider UNON (global scope); basis:');
  });

  it('says in French that no provider is assigned, naming the entity and the service', async () => {
    const r = routingReason(await translatorOf('fr'), {
      reason: 'No provider is assigned to RCO-CL for FAC-CONFERENCE: sent to the DOS coordination queue',
      routing: { rule: 'unassigned', entity: 'RCO-CL', service: 'FAC-CONFERENCE' },
    });
    expect(r).toEqual({
      text: 'Aucun prestataire n’est attribué à RCO-CL pour FAC-CONFERENCE : demande adressée à la file de coordination du DAO.',
    });
  });

  it('gives nothing for a case routed before the reason was recorded as data (imported, child task)', async () => {
    const t = await translatorOf('fr');
    expect(routingReason(t, { reason: 'Imported from bpic2013.csv' })).toBeUndefined();
    expect(routingReason(t, null)).toBeUndefined();
  });
});
