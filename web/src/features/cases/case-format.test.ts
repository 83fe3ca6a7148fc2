/** The routing reason of a case in the reader's language, from the routed event's details. */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../locales/en.json';
import fr from '../../locales/fr.json';
import { routingReason } from './case-format.ts';

async function translator(lng: 'en' | 'fr') {
  const i = i18next.createInstance();
  await i.init({ lng, resources: { [lng]: { translation: lng === 'en' ? en : fr } }, interpolation: { escapeValue: false } });
  return i.t;
}

describe('routing reason', () => {
  it('says the assignment in French with its scope translated, and keeps the basis (data) apart', async () => {
    const details = {
      reason: 'Assigned provider UNON (global); basis: para 16',
      routing: { rule: 'assignment', provider: 'UNON', scope: 'global', basis: 'para 16 (payroll provided globally by UNON)' },
    };
    expect(routingReason(await translator('fr'), details)).toEqual({
      text: 'Prestataire attribué : UNON (portée mondiale) ; fondement :',
      basis: 'para 16 (payroll provided globally by UNON)',
    });
    expect(routingReason(await translator('en'), details)?.text).toBe('Assigned provider UNON (global scope); basis:');
  });

  it('says in French that no provider is assigned, naming the entity and the service', async () => {
    const r = routingReason(await translator('fr'), {
      reason: 'No provider is assigned to RCO-CL for FAC-CONFERENCE: sent to the DOS coordination queue',
      routing: { rule: 'unassigned', entity: 'RCO-CL', service: 'FAC-CONFERENCE' },
    });
    expect(r).toEqual({
      text: 'Aucun prestataire n’est attribué à RCO-CL pour FAC-CONFERENCE : demande adressée à la file de coordination du DAO.',
    });
  });

  it('gives nothing for a case routed before the reason was recorded as data (imported, child task)', async () => {
    const t = await translator('fr');
    expect(routingReason(t, { reason: 'Imported from bpic2013.csv' })).toBeUndefined();
    expect(routingReason(t, null)).toBeUndefined();
  });
});
