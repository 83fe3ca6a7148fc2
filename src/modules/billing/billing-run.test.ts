import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Annex } from '../agreements/sla-agreements.schema.ts';
import { type BillingFacts, type CaseRow, computeRun, periodBounds } from './billing-run.ts';

const annex = (standards: Annex['standards']): Annex => ({
  services: ['S1'],
  standards,
  contacts: [],
  term: null,
  reviewDate: null,
});

function facts(over: Partial<BillingFacts> = {}): BillingFacts {
  return {
    period: '2026-02',
    prices: [{ id: 1, provider: 'P', service: 'S1', basis: 'per-case', unitPrice: '33.3333', from: '2026-01-01', to: null }],
    cases: [],
    usage: [],
    headcounts: new Map(),
    assignments: [{ provider: 'P', entity: 'E', service: 'S1', from: '2020-01-01', to: null, costRecovery: true }],
    agreements: [],
    breaches: new Set(),
    ...over,
  };
}
const kase = (n: number, over: Partial<CaseRow> = {}): CaseRow => ({
  id: String(n),
  reference: `C-${String(n).padStart(4, '0')}`,
  provider: 'P',
  entity: 'E',
  service: 'S1',
  priority: 'P3',
  resolvedOn: '2026-02-10',
  title: 't',
  ...over,
});

describe('a billing run (pure)', () => {
  it('gives the same statements whatever the order the facts come in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 28 }), { minLength: 1, maxLength: 40 }), fc.integer(), (days, seed) => {
        const cases = days.map((d, i) => kase(i + 1, { resolvedOn: `2026-02-${String(d).padStart(2, '0')}` }));
        const shuffled = [...cases].sort((a, b) => ((Number(a.id) * 7919 + seed) % 101) - ((Number(b.id) * 7919 + seed) % 101));
        const breaches = new Set(cases.filter((_, i) => i % 3 === 0).map((c) => `${c.id}/P/resolution`));
        const agreements = [
          {
            reference: 'SLA-P-E-1',
            versionId: 9,
            version: 1,
            provider: 'P',
            entity: 'E',
            from: '2026-01-01',
            to: null,
            annex: annex([
              {
                service: 'S1',
                priority: null,
                firstResponse: null,
                nextResponse: null,
                resolution: 'P1D',
                serviceCredit: { metric: 'resolution', percent: '12.5' },
              },
            ]),
          },
        ];
        const a = computeRun(facts({ cases, breaches, agreements }));
        const b = computeRun(facts({ cases: shuffled, breaches, agreements }));
        expect(b.hash).toBe(a.hash);
        expect(b.statements).toEqual(a.statements);
      }),
      { numRuns: 50 },
    );
  });

  it('charges only cases resolved in the month on cost recovery with the provider, at the price of the resolution day', () => {
    const run = computeRun(
      facts({
        prices: [
          { id: 1, provider: 'P', service: 'S1', basis: 'per-case', unitPrice: '10', from: '2026-01-01', to: '2026-02-15' },
          { id: 2, provider: 'P', service: 'S1', basis: 'per-case', unitPrice: '12', from: '2026-02-15', to: null },
        ],
        assignments: [
          { provider: 'P', entity: 'E', service: 'S1', from: '2020-01-01', to: '2026-02-20', costRecovery: true },
          { provider: 'Q', entity: 'E', service: 'S1', from: '2026-02-20', to: null, costRecovery: true },
          { provider: 'P', entity: 'F', service: 'S1', from: '2020-01-01', to: null, costRecovery: false },
        ],
        cases: [
          kase(1, { resolvedOn: '2026-02-14' }),
          kase(2, { resolvedOn: '2026-02-15' }),
          kase(3, { resolvedOn: '2026-02-21' }), // E is now served by Q
          kase(4, { entity: 'F' }), // not on cost recovery
          kase(5, { resolvedOn: '2026-03-01' }), // next month
        ],
      }),
    );
    expect(run.statements.map((s) => [s.entity, s.provider, s.total, s.lines.map((l) => [l.caseReference, l.amount])])).toEqual([
      [
        'E',
        'P',
        '22.00',
        [
          ['C-0001', '10.00'],
          ['C-0002', '12.00'],
        ],
      ],
    ]);
  });

  it('prefers the standard of the case priority, rounds percent credits to the cent and caps amount credits at the charge', () => {
    const agreements = [
      {
        reference: 'SLA-P-E-1',
        versionId: 9,
        version: 3,
        provider: 'P',
        entity: 'E',
        from: '2026-01-01',
        to: null,
        annex: annex([
          {
            service: 'S1',
            priority: null,
            firstResponse: null,
            nextResponse: null,
            resolution: 'P1D',
            serviceCredit: { metric: 'resolution', percent: '10' },
          },
          {
            service: 'S1',
            priority: 'P1',
            firstResponse: 'PT1H',
            nextResponse: null,
            resolution: null,
            serviceCredit: { metric: 'first-response', amount: '50' },
          },
        ]),
      },
    ];
    const run = computeRun(
      facts({
        agreements,
        cases: [kase(1), kase(2, { priority: 'P1' }), kase(3, { priority: 'P1' })],
        breaches: new Set(['1/P/resolution', '2/P/first-response', '3/P/resolution', '1/Q/first-response']),
      }),
    );
    const lines = run.statements[0]?.lines.map((l) => [l.caseReference, l.kind, l.amount, l.agreement]);
    expect(lines).toEqual([
      ['C-0001', 'charge', '33.33', null],
      ['C-0001', 'service-credit', '-3.33', 'SLA-P-E-1 v3'],
      ['C-0002', 'charge', '33.33', null],
      ['C-0002', 'service-credit', '-33.33', 'SLA-P-E-1 v3'],
      ['C-0003', 'charge', '33.33', null], // P1 standard credits first response only
    ]);
    expect(run.statements[0]?.total).toBe('63.33');
  });

  it('bills per head from the month headcount, a fixed fee once a month, and warns about missing facts', () => {
    const run = computeRun(
      facts({
        prices: [
          { id: 1, provider: 'P', service: 'S1', basis: 'per-head-month', unitPrice: '0.3333', from: '2026-01-01', to: null },
          { id: 2, provider: 'P', service: 'S2', basis: 'fixed-fee', unitPrice: '99.99', from: '2026-01-01', to: null },
        ],
        assignments: [
          { provider: 'P', entity: 'E', service: 'S1', from: '2020-01-01', to: null, costRecovery: true },
          { provider: 'P', entity: 'G', service: 'S1', from: '2020-01-01', to: null, costRecovery: true },
          { provider: 'P', entity: 'E', service: 'S2', from: '2020-01-01', to: null, costRecovery: true },
        ],
        headcounts: new Map([['E', 7]]),
        usage: [
          {
            id: '5',
            provider: 'P',
            entity: 'E',
            service: 'S3',
            caseId: null,
            caseReference: null,
            onDate: '2026-02-02',
            quantity: '1',
          },
        ],
      }),
    );
    expect(run.statements.map((s) => [s.entity, s.lines.map((l) => [l.service, l.basis, l.amount])])).toEqual([
      [
        'E',
        [
          ['S1', 'per-head-month', '2.33'],
          ['S2', 'fixed-fee', '99.99'],
        ],
      ],
    ]);
    expect(run.warnings).toEqual([
      'Usage 5 (E, S3, 2026-02-02) has no per-unit price of P: not billed',
      'No staff headcount of G for 2026-02: S1 per head not billed',
    ]);
  });

  it('knows the bounds of a month, December included', () => {
    expect(periodBounds('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(periodBounds('2026-02')).toEqual({ from: '2026-02-01', to: '2026-03-01' });
  });
});
