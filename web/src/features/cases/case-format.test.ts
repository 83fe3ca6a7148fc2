/** The routing reason of a case in the reader's language, from the routed event's details; who may open a case. */
import { describe, expect, it } from 'vitest';
import type { CurrentUser } from '../../api/types.ts';
import { translator } from '../../lib/test-translator.ts';
import en from '../../locales/en.json';
import fr from '../../locales/fr.json';
import { canOpenCase, priorityEventTitle, routingReason } from './case-format.ts';

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

describe('canOpenCase', () => {
  const user = (role: string, scope: CurrentUser['scope'], id = 7): CurrentUser => ({
    id,
    email: 'x@meridian.test',
    name: 'X',
    role,
    scope,
    locale: 'en',
    permissions: [],
  });
  const child = { provider: { code: 'UNON' }, requester: { id: 7 }, entity: { code: 'RCO-CL' } };
  it("follows the server's visibility: the holding provider's staff, the requester, the entity's focal point, the Secretariat", () => {
    expect(canOpenCase(user('provider-agent', { type: 'provider', code: 'UNON' }), child)).toBe(true);
    expect(canOpenCase(user('provider-agent', { type: 'provider', code: 'RSCE' }), child)).toBe(false);
    expect(canOpenCase(user('provider-manager', { type: 'provider', code: 'RSCE' }), child)).toBe(false);
    expect(canOpenCase(user('provider-agent', { type: 'provider', code: 'RSCE' }), { ...child, provider: null })).toBe(false);
    expect(canOpenCase(user('client-requester', { type: 'entity', code: 'RCO-CL' }), child)).toBe(true);
    expect(canOpenCase(user('client-requester', { type: 'entity', code: 'RCO-CL' }, 8), child)).toBe(false);
    expect(canOpenCase(user('entity-focal-point', { type: 'entity', code: 'RCO-CL' }), child)).toBe(true);
    expect(canOpenCase(user('entity-focal-point', { type: 'entity', code: 'MINUSCA' }), child)).toBe(false);
    expect(canOpenCase(user('dos-coordinator', null), child)).toBe(true);
    expect(canOpenCase(null, child)).toBe(false);
  });
});

describe('priority change titles', () => {
  it('says that the priority stayed when impact and urgency changed to the same priority', async () => {
    const fr = await translatorOf('fr');
    expect(priorityEventTitle(fr, 'P4', 'P4')).toBe('Impact et urgence modifiés ; priorité toujours P4');
    expect(priorityEventTitle(fr, 'P4', 'P2')).toBe('Priorité modifiée : P4 → P2');
  });
});
