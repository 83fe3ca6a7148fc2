/**
 * The printable agreement: one version of an agreement rendered in the reader's language (English or
 * French) as HTML (print-ready) and as PDF (pdfkit, standard fonts, no browser). The body is the template
 * version the agreement was made on, with its placeholders filled; the annexes are the version's services
 * (A), standards with their service credits (B), the provider's prices for those services during the term
 * (C, from the price lists) and contacts (D).
 */
import type { Kysely } from 'kysely';
import PDFDocument from 'pdfkit';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { findPriceLists } from '../billing/billing.repository.ts';
import { findServices } from '../catalogue/catalogue.repository.ts';
import { findClientEntity, findProvider } from '../directory/directory.repository.ts';
import { findTemplateById } from './sla-agreements.repository.ts';
import type { Agreement, AgreementVersion, ServiceCredit } from './sla-agreements.schema.ts';

export type DocLang = 'en' | 'fr';

const LABELS = {
  en: {
    agreement: 'Service-level agreement',
    version: 'Version',
    state: 'Status',
    template: 'Common SLA template, version',
    between: 'Between',
    and: 'and',
    provider: 'Provider',
    entity: 'Client entity',
    term: 'Term',
    to: 'to',
    review: 'Review date',
    inForce: 'In force from',
    signed: 'Signed by',
    annexA: 'Annex A — Services covered',
    annexB: 'Annex B — Service standards and service credits',
    annexC: 'Annex C — Prices (USD)',
    annexD: 'Annex D — Contacts',
    service: 'Service',
    unit: 'Unit',
    priority: 'Priority',
    anyPriority: 'any',
    firstResponse: 'First response',
    nextResponse: 'Next response',
    resolution: 'Resolution',
    credit: 'Service credit',
    none: 'none',
    basis: 'Basis',
    price: 'Price',
    period: 'Period',
    openEnd: 'until further notice',
    party: 'Party',
    role: 'Role',
    name: 'Name',
    email: 'E-mail',
    noPrices: 'No price list for these services during the term.',
    bases: {
      'per-case': 'per case',
      'per-unit': 'per unit',
      'per-head-month': 'per staff member per month',
      'fixed-fee': 'fixed fee per month',
    },
    parties: { provider: 'Provider', client: 'Client' },
    states: {
      draft: 'draft',
      'in-consultation': 'in consultation',
      signed: 'signed',
      active: 'active',
      superseded: 'superseded',
      expired: 'expired',
      terminated: 'terminated',
      withdrawn: 'withdrawn',
    },
    hours: (n: string) => `${n} business hours`,
    minutes: (n: string) => `${n} business minutes`,
    days: (n: string) => `${n} business days`,
    creditText: (c: ServiceCredit, metric: string) =>
      c.percent !== undefined
        ? `${c.percent}% of the case's price if ${metric} is breached`
        : `${c.amount} USD per case if ${metric} is breached`,
  },
  fr: {
    agreement: 'Accord de niveau de service',
    version: 'Version',
    state: 'Statut',
    template: 'Modèle commun d’accord de niveau de service, version',
    between: 'Entre',
    and: 'et',
    provider: 'Prestataire',
    entity: 'Entité cliente',
    term: 'Durée',
    to: 'au',
    review: 'Date d’examen',
    inForce: 'En vigueur depuis le',
    signed: 'Signé par',
    annexA: 'Annexe A — Services couverts',
    annexB: 'Annexe B — Normes de service et crédits de service',
    annexC: 'Annexe C — Prix (USD)',
    annexD: 'Annexe D — Contacts',
    service: 'Service',
    unit: 'Unité',
    priority: 'Priorité',
    anyPriority: 'toutes',
    firstResponse: 'Première réponse',
    nextResponse: 'Réponse suivante',
    resolution: 'Résolution',
    credit: 'Crédit de service',
    none: 'aucun',
    basis: 'Base',
    price: 'Prix',
    period: 'Période',
    openEnd: 'jusqu’à nouvel ordre',
    party: 'Partie',
    role: 'Fonction',
    name: 'Nom',
    email: 'Courriel',
    noPrices: 'Aucune liste de prix pour ces services pendant la durée de l’accord.',
    bases: {
      'per-case': 'par dossier',
      'per-unit': 'par unité',
      'per-head-month': 'par membre du personnel et par mois',
      'fixed-fee': 'forfait mensuel',
    },
    parties: { provider: 'Prestataire', client: 'Client' },
    states: {
      draft: 'projet',
      'in-consultation': 'en consultation',
      signed: 'signé',
      active: 'en vigueur',
      superseded: 'remplacé',
      expired: 'expiré',
      terminated: 'résilié',
      withdrawn: 'retiré',
    },
    hours: (n: string) => `${n} heures ouvrées`,
    minutes: (n: string) => `${n} minutes ouvrées`,
    days: (n: string) => `${n} jours ouvrés`,
    creditText: (c: ServiceCredit, metric: string) =>
      c.percent !== undefined
        ? `${c.percent} % du prix du dossier si la norme « ${metric} » n’est pas respectée`
        : `${c.amount} USD par dossier si la norme « ${metric} » n’est pas respectée`,
  },
} as const;

/** An ISO-8601 business-time target in words (`PT8H` -> "8 business hours", `P5D` -> "5 business days"). */
export function describeTarget(target: string | null, lang: DocLang): string {
  const L = LABELS[lang];
  if (!target) return '—';
  const d = /^P(\d+)D$/.exec(target);
  if (d) return L.days(d[1] as string);
  const t = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(target);
  if (!t) return target;
  const parts: string[] = [];
  if (t[1]) parts.push(L.hours(t[1]));
  if (t[2]) parts.push(L.minutes(t[2]));
  return parts.join(' ') || target;
}

/** A decimal string as an amount in the reader's language (`1234.5` -> "1,234.50" / "1 234,50"); no floats. */
export function formatAmount(v: string, lang: DocLang, places = 2): string {
  const neg = v.startsWith('-');
  const [i = '0', f = ''] = v.replace('-', '').split('.');
  const frac = `${f}${'0'.repeat(places)}`.slice(0, Math.max(places, f.replace(/0+$/, '').length));
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fr' ? '\u202f' : ',');
  return `${neg ? '-' : ''}${grouped}${frac ? (lang === 'fr' ? ',' : '.') + frac : ''}`;
}

export interface AgreementDocument {
  lang: DocLang;
  reference: string;
  title: string;
  version: number;
  state: string;
  templateVersion: number;
  provider: { code: string; name: string };
  entity: { code: string; name: string };
  header: Array<[string, string]>;
  sections: Array<{ title: string; clauses: string[] }>;
  annexes: Array<{ title: string; columns: string[]; rows: string[][]; empty?: string }>;
}

/**
 * Builds the document of `version` of an agreement in `lang`.
 * @throws AppError AGREEMENT_NOT_FOUND (no such version), AGREEMENT_TEMPLATE_NOT_FOUND.
 */
export async function buildAgreementDocument(
  db: Kysely<Database>,
  agreement: Agreement,
  versionNo: number,
  lang: DocLang,
): Promise<AgreementDocument> {
  const v: AgreementVersion | undefined = agreement.versions.find((x) => x.version === versionNo);
  if (!v) throw new AppError('AGREEMENT_NOT_FOUND', `${agreement.reference} has no version ${versionNo}`);
  const L = LABELS[lang];
  const [provider, entity, services] = await Promise.all([
    findProvider(db, agreement.provider.code),
    findClientEntity(db, agreement.entity.code),
    findServices(db, { page: 1, pageSize: 500, order: 'asc', sort: 'position' }),
  ]);
  const templateRow = await db
    .selectFrom('agreement_versions')
    .select('template_id')
    .where('id', '=', v.id)
    .executeTakeFirstOrThrow();
  const template = await findTemplateById(db, templateRow.template_id);
  if (!template) throw new AppError('AGREEMENT_TEMPLATE_NOT_FOUND', `No template for ${agreement.reference} v${versionNo}`);
  const pName = provider?.name[lang] ?? agreement.provider.code;
  const eName = entity?.name[lang] ?? agreement.entity.code;
  const term = v.annex.term;
  const fill = (text: string) =>
    text
      .replaceAll('{{provider}}', `${pName} (${agreement.provider.code})`)
      .replaceAll('{{entity}}', `${eName} (${agreement.entity.code})`)
      .replaceAll('{{termFrom}}', term?.from ?? '…')
      .replaceAll('{{termTo}}', term?.to ?? '…')
      .replaceAll('{{reviewDate}}', v.annex.reviewDate ?? '…');
  const serviceByCode = new Map(services.items.map((s) => [s.code, s]));
  const serviceName = (code: string) => `${serviceByCode.get(code)?.name[lang] ?? code} (${code})`;
  const metricName = (m: string) =>
    m === 'first-response' ? L.firstResponse : m === 'next-response' ? L.nextResponse : L.resolution;

  const prices = term
    ? (await findPriceLists(db, {}, { provider: agreement.provider.code, page: 1, pageSize: 500, order: 'asc' })).items.filter(
        (p) =>
          v.annex.services.includes(p.service) &&
          p.effectiveFrom < term.to &&
          (p.effectiveTo === null || p.effectiveTo > term.from),
      )
    : [];

  const header: Array<[string, string]> = [
    [L.provider, `${pName} (${agreement.provider.code})`],
    [L.entity, `${eName} (${agreement.entity.code})`],
    [L.version, `${v.version} — ${L.states[v.state]}`],
    [L.term, term ? `${term.from} ${L.to} ${term.to}` : '—'],
    [L.review, v.annex.reviewDate ?? '—'],
  ];
  if (v.effectiveFrom) header.push([L.inForce, v.effectiveFrom]);
  if (v.signedBy) header.push([L.signed, `${v.signedBy.provider} / ${v.signedBy.client}`]);

  return {
    lang,
    reference: agreement.reference,
    title: `${L.agreement} ${agreement.reference}`,
    version: v.version,
    state: L.states[v.state],
    templateVersion: template.version,
    provider: { code: agreement.provider.code, name: pName },
    entity: { code: agreement.entity.code, name: eName },
    header,
    sections: template.sections.map((s) => ({ title: s.title[lang], clauses: s.clauses.map((c) => fill(c.text[lang])) })),
    annexes: [
      {
        title: L.annexA,
        columns: [L.service, L.unit],
        rows: v.annex.services.map((c) => [serviceName(c), serviceByCode.get(c)?.unit ?? '']),
      },
      {
        title: L.annexB,
        columns: [L.service, L.priority, L.firstResponse, L.nextResponse, L.resolution, L.credit],
        rows: v.annex.standards.map((s) => [
          serviceName(s.service),
          s.priority ?? L.anyPriority,
          describeTarget(s.firstResponse, lang),
          describeTarget(s.nextResponse, lang),
          describeTarget(s.resolution, lang),
          s.serviceCredit ? L.creditText(s.serviceCredit, metricName(s.serviceCredit.metric)) : L.none,
        ]),
      },
      {
        title: L.annexC,
        columns: [L.service, L.basis, L.price, L.period],
        rows: prices.map((p) => [
          serviceName(p.service),
          L.bases[p.basis],
          formatAmount(p.unitPrice.replace(/(\.\d\d\d*?)0+$/, '$1'), lang),
          `${p.effectiveFrom} ${L.to} ${p.effectiveTo ?? L.openEnd}`,
        ]),
        empty: L.noPrices,
      },
      {
        title: L.annexD,
        columns: [L.party, L.role, L.name, L.email],
        rows: v.annex.contacts.map((c) => [L.parties[c.party], c.role, c.name, c.email]),
      },
    ],
  };
}

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

/** The document as a standalone, print-ready HTML page (`<html lang>` set to the reader's language). */
export function renderAgreementHtml(d: AgreementDocument): string {
  const L = LABELS[d.lang];
  const table = (a: AgreementDocument['annexes'][number]) =>
    a.rows.length === 0 && a.empty
      ? `<p class="empty">${esc(a.empty)}</p>`
      : `<table><thead><tr>${a.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead><tbody>${a.rows
          .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="${d.lang}">
<head>
<meta charset="utf-8">
<title>${esc(d.title)} — ${esc(L.version)} ${d.version}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #111; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 1.75rem; border-bottom: 1px solid #ccc; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: start; vertical-align: top; }
  .meta { color: #555; } .empty { font-style: italic; color: #555; }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>${esc(d.title)}</h1>
<p class="meta">${esc(L.template)} ${d.templateVersion}</p>
<dl>${d.header.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
${d.sections
  .map(
    (s, i) =>
      `<section><h2>${i + 1}. ${esc(s.title)}</h2>${s.clauses.map((c, j) => `<p>${i + 1}.${j + 1} ${esc(c)}</p>`).join('')}</section>`,
  )
  .join('\n')}
${d.annexes.map((a) => `<section><h2>${esc(a.title)}</h2>${table(a)}</section>`).join('\n')}
</body>
</html>`;
}

/** The document as PDF (A4, standard Helvetica fonts; text stays extractable). */
export async function renderAgreementPdf(d: AgreementDocument): Promise<Buffer> {
  const L = LABELS[d.lang];
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: d.lang,
    info: { Title: `${d.title} — ${L.version} ${d.version}`, Subject: L.agreement, Creator: 'Meridian' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(18).text(d.title);
  doc.font('Helvetica').fontSize(9).fillColor('#555').text(`${L.template} ${d.templateVersion}`).fillColor('#000');
  doc.moveDown();
  doc.fontSize(10);
  for (const [k, v] of d.header) doc.font('Helvetica-Bold').text(`${k}: `, { continued: true }).font('Helvetica').text(v);
  d.sections.forEach((s, i) => {
    doc
      .moveDown()
      .font('Helvetica-Bold')
      .fontSize(12)
      .text(`${i + 1}. ${s.title}`);
    doc.font('Helvetica').fontSize(10);
    s.clauses.forEach((c, j) => {
      doc.moveDown(0.3).text(`${i + 1}.${j + 1} ${c}`, { align: 'justify' });
    });
  });
  for (const a of d.annexes) {
    doc.addPage().font('Helvetica-Bold').fontSize(12).text(a.title).moveDown(0.5);
    if (a.rows.length === 0 && a.empty) {
      doc.font('Helvetica-Oblique').fontSize(10).text(a.empty);
      continue;
    }
    for (const row of a.rows) {
      doc.fontSize(9);
      row.forEach((cell, i) => {
        doc.font('Helvetica-Bold').text(`${a.columns[i]}: `, { continued: true }).font('Helvetica').text(cell);
      });
      doc.moveDown(0.5);
    }
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
