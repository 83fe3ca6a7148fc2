/**
 * Infeasibility in the planner's terms. Before the solver runs, `diagnose` checks what no assignment
 * could satisfy: a demand no provider may serve (no offer for the service; an on-site service with no
 * provider or local partner at the entity's duty station), a demand larger than every eligible
 * provider's usable capacity, a service whose demand exceeds the usable capacity of its providers, a
 * kept assignment that is not eligible or overloads its provider, and an entity whose service line no
 * single provider can serve. Each finding names the entity, service, provider or duty station and the
 * quantities (service units per year).
 */
import type { IndexedInstance, PlanDemand } from './model.ts';

export type InfeasibilityCode =
  | 'NO_PROVIDER_OFFERS_SERVICE'
  | 'ON_SITE_NO_LOCAL_PROVIDER'
  | 'DEMAND_ABOVE_ANY_CAPACITY'
  | 'SERVICE_DEMAND_ABOVE_CAPACITY'
  | 'KEPT_PROVIDER_NOT_ELIGIBLE'
  | 'KEPT_LOAD_ABOVE_CAPACITY'
  | 'NO_PROVIDER_FOR_SERVICE_LINE'
  | 'CAPACITY_PACKING';

/** One reason the demands cannot all be met. Quantities in service units per year. */
export interface InfeasibilityFinding {
  code: InfeasibilityCode;
  message: string;
  entity?: string;
  service?: string;
  provider?: string;
  dutyStation?: string;
  serviceLine?: string;
  demand?: number;
  capacity?: number;
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toLocaleString('en-US');

function describeDemand(d: PlanDemand, unit: string): string {
  return `${d.entity} needs ${fmt(d.quantity)} ${unit} of ${d.service} a year`;
}

/**
 * Checks that can be made without solving. Returns every finding (empty: no obvious obstacle; the
 * solver may still prove infeasibility by capacity packing, explained by `explainPacking`).
 */
export function diagnose(ix: IndexedInstance): InfeasibilityFinding[] {
  const out: InfeasibilityFinding[] = [];
  const { demands } = ix.instance;
  const c = ix.options.constraints;
  const keptEntities = Array.isArray(c.keepCurrent) ? new Set(c.keepCurrent) : null;
  const offered = new Set(ix.instance.offers.filter((o) => o.capacity > 0 && ix.provider.has(o.provider)).map((o) => o.service));

  demands.forEach((d, i) => {
    const s = ix.service.get(d.service);
    const e = ix.entity.get(d.entity);
    const unit = s?.unit ?? 'units';
    const choices = ix.eligible[i] ?? [];
    if (choices.length === 0) {
      if (s?.delivery === 'on-site') {
        out.push({
          code: 'ON_SITE_NO_LOCAL_PROVIDER',
          entity: d.entity,
          service: d.service,
          ...(e ? { dutyStation: e.dutyStation } : {}),
          demand: d.quantity,
          message: `${describeDemand(d, unit)}, an on-site service: no provider at ${e?.dutyStation} offers it and no local partner serves ${e?.dutyStation}${c.ownSupport === 'none' ? ', and own support is excluded' : ''}`,
        });
      } else {
        out.push({
          code: 'NO_PROVIDER_OFFERS_SERVICE',
          entity: d.entity,
          service: d.service,
          demand: d.quantity,
          message: `${describeDemand(d, unit)}: ${offered.has(d.service) ? 'no eligible provider' : 'no provider offers this service'}${c.ownSupport === 'none' ? ', and own support is excluded' : ''}`,
        });
      }
      return;
    }
    const largest = Math.max(
      ...choices.map((ch) => {
        if (ch.provider === null) return Number.POSITIVE_INFINITY;
        const o = ix.offer.get(`${ch.provider}|${d.service}`);
        return o ? ix.usable(o) : 0;
      }),
    );
    if (d.quantity > largest + 1e-9) {
      out.push({
        code: 'DEMAND_ABOVE_ANY_CAPACITY',
        entity: d.entity,
        service: d.service,
        demand: d.quantity,
        capacity: largest,
        message: `${describeDemand(d, unit)}: the largest usable capacity among its eligible providers (${choices
          .map((ch) => ch.provider)
          .join(', ')}) is ${fmt(largest)} ${unit}, and a demand goes to one provider`,
      });
    }
    const kept = c.keepCurrent === 'all' || keptEntities?.has(d.entity);
    if (kept && !choices.some((ch) => ch.provider === d.current)) {
      out.push({
        code: 'KEPT_PROVIDER_NOT_ELIGIBLE',
        entity: d.entity,
        service: d.service,
        ...(d.current ? { provider: d.current } : {}),
        message: `${d.entity} ${d.service} must keep ${d.current ?? 'its own support'}, which is not eligible (${
          d.current === null
            ? 'own support is excluded'
            : s?.delivery === 'on-site'
              ? `not at ${e?.dutyStation} nor a local partner there, or it has no capacity for ${d.service}`
              : `it has no capacity for ${d.service}`
        })`,
      });
    }
  });

  // Service totals: demands that must go to a provider (no own support) against the usable capacity of
  // every provider eligible for at least one of them.
  const byService = new Map<string, number[]>();
  demands.forEach((d, i) => {
    if ((ix.eligible[i] ?? []).some((ch) => ch.provider === null)) return;
    if ((ix.eligible[i] ?? []).length === 0) return;
    const list = byService.get(d.service) ?? [];
    list.push(i);
    byService.set(d.service, list);
  });
  for (const [service, idx] of byService) {
    const total = idx.reduce((a, i) => a + (demands[i]?.quantity ?? 0), 0);
    const providers = new Set(idx.flatMap((i) => (ix.eligible[i] ?? []).map((ch) => ch.provider as string)));
    const cap = [...providers].reduce((a, p) => {
      const o = ix.offer.get(`${p}|${service}`);
      return a + (o ? ix.usable(o) : 0);
    }, 0);
    if (total > cap + 1e-6) {
      const unit = ix.service.get(service)?.unit ?? 'units';
      out.push({
        code: 'SERVICE_DEMAND_ABOVE_CAPACITY',
        service,
        demand: total,
        capacity: cap,
        message: `${service}: ${idx.length} demand(s) totalling ${fmt(total)} ${unit} a year exceed the usable capacity of its providers, ${fmt(cap)} ${unit} (${[
          ...providers,
        ]
          .map((p) => {
            const o = ix.offer.get(`${p}|${service}`);
            return `${p} ${fmt(o ? ix.usable(o) : 0)}`;
          })
          .join(
            ', ',
          )}${ix.options.constraints.maxUtilisationPercent < 100 ? ` at ${ix.options.constraints.maxUtilisationPercent}%` : ''})`,
      });
    }
  }

  // Kept assignments that alone overload a provider.
  if (c.keepCurrent !== 'none') {
    const load = new Map<string, number>();
    demands.forEach((d) => {
      if (d.current === null) return;
      if (c.keepCurrent !== 'all' && !keptEntities?.has(d.entity)) return;
      load.set(`${d.current}|${d.service}`, (load.get(`${d.current}|${d.service}`) ?? 0) + d.quantity);
    });
    for (const [k, q] of load) {
      const o = ix.offer.get(k);
      if (!o) continue;
      if (q > ix.usable(o) + 1e-6) {
        const unit = ix.service.get(o.service)?.unit ?? 'units';
        out.push({
          code: 'KEPT_LOAD_ABOVE_CAPACITY',
          provider: o.provider,
          service: o.service,
          demand: q,
          capacity: ix.usable(o),
          message: `${o.provider} must keep ${fmt(q)} ${unit} of ${o.service} a year, above its usable capacity of ${fmt(ix.usable(o))}`,
        });
      }
    }
  }

  // One provider per service line: some provider (or own support) must be eligible for all of the line.
  if (c.oneProviderPerServiceLine) {
    const lines = new Map<string, number[]>();
    demands.forEach((d, i) => {
      const line = ix.service.get(d.service)?.serviceLine ?? '';
      const k = `${d.entity}|${line}`;
      const list = lines.get(k) ?? [];
      list.push(i);
      lines.set(k, list);
    });
    for (const [k, idx] of lines) {
      if (idx.length < 2 || idx.some((i) => (ix.eligible[i] ?? []).length === 0)) continue;
      const sets = idx.map((i) => new Set((ix.eligible[i] ?? []).map((ch) => ch.provider)));
      const common = [...(sets[0] ?? [])].filter((p) => sets.every((s) => s.has(p)));
      if (common.length === 0) {
        const [entity, line] = k.split('|') as [string, string];
        out.push({
          code: 'NO_PROVIDER_FOR_SERVICE_LINE',
          entity,
          serviceLine: line,
          message: `${entity} must get service line ${line} (${idx
            .map((i) => demands[i]?.service)
            .join(', ')}) from one provider, and no provider is eligible for all of them`,
        });
      }
    }
  }
  return out;
}

/**
 * Explains an infeasibility the solver proved by capacity packing: the demands left unserved by the
 * assignment that serves the most (found by the elastic model), with their eligible providers' usable
 * capacities.
 */
export function explainPacking(ix: IndexedInstance, unserved: number[]): InfeasibilityFinding[] {
  return unserved.map((i) => {
    const d = ix.instance.demands[i] as PlanDemand;
    const unit = ix.service.get(d.service)?.unit ?? 'units';
    const caps = (ix.eligible[i] ?? [])
      .map((ch) => {
        if (ch.provider === null) return 'own support';
        const o = ix.offer.get(`${ch.provider}|${d.service}`);
        return `${ch.provider} ${fmt(o ? ix.usable(o) : 0)}`;
      })
      .join(', ');
    return {
      code: 'CAPACITY_PACKING' as const,
      entity: d.entity,
      service: d.service,
      demand: d.quantity,
      message: `${describeDemand(d, unit)}: it cannot be placed with the other demands within the usable capacities of its eligible providers (${caps}); each demand goes whole to one provider`,
    };
  });
}
