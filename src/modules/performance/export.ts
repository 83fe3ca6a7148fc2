/**
 * Exports of any analytics view as CSV (`csv-stringify`, UTF-8 with a byte-order mark so that spreadsheet
 * programs read accents) or XLSX (`exceljs`, one sheet, a bold frozen header row). Column titles in English
 * or French; values are raw numbers (shares 0-1, business hours, per case, rating), never formatted text.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

/** A table to export: column keys with their titles in each language, and rows of plain values. */
export interface ExportTable {
  name: string;
  columns: { key: string; en: string; fr: string }[];
  rows: Record<string, string | number | boolean | null>[];
}

/** CSV text of a table, with a BOM. */
export function toCsv(t: ExportTable, lang: 'en' | 'fr'): string {
  const header = t.columns.map((c) => c[lang]);
  const body = t.rows.map((r) => t.columns.map((c) => (r[c.key] === null || r[c.key] === undefined ? '' : String(r[c.key]))));
  return `\ufeff${stringify([header, ...body])}`;
}

/** XLSX bytes of a table (one sheet named after it). */
export async function toXlsx(t: ExportTable, lang: 'en' | 'fr'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Meridian';
  const ws = wb.addWorksheet(t.name.slice(0, 31));
  ws.columns = t.columns.map((c) => ({ header: c[lang], key: c.key, width: Math.max(12, c[lang].length + 2) }));
  for (const r of t.rows) ws.addRow(Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null])));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const col = (key: string, en: string, fr: string) => ({ key, en, fr });

/** Columns of the dashboard export (one row per standard x provider x period). */
export const DASHBOARD_COLUMNS = [
  col('period', 'Period', 'Période'),
  col('provider', 'Provider', 'Prestataire'),
  col('standard', 'Standard', 'Norme'),
  col('name', 'Name', 'Intitulé'),
  col('version', 'Version', 'Version'),
  col('measure', 'Measure', 'Mesure'),
  col('target', 'Target', 'Cible'),
  col('unit', 'Unit', 'Unité'),
  col('value', 'Value', 'Valeur'),
  col('numerator', 'Numerator', 'Numérateur'),
  col('denominator', 'Denominator', 'Dénominateur'),
  col('met', 'Met', 'Atteinte'),
  col('frozen', 'Closed period', 'Période close'),
];

/** Columns of the drill-down export (the cases behind a figure). */
export const DRILLDOWN_COLUMNS = [
  col('reference', 'Case', 'Dossier'),
  col('title', 'Title', 'Titre'),
  col('state', 'State', 'État'),
  col('service', 'Service', 'Service'),
  col('entity', 'Client entity', 'Entité cliente'),
  col('month', 'Local month', 'Mois local'),
  col('value', 'Value', 'Valeur'),
  col('outcome', 'Outcome', 'Résultat'),
];

/** Columns of the flow export of a log (worst cases). */
export const FLOW_COLUMNS = [
  col('caseId', 'Case', 'Dossier'),
  col('events', 'Events', 'Événements'),
  col('teamHandoffs', 'Team handoffs', 'Transferts entre équipes'),
  col('pingPong', 'Ping-pong', 'Aller-retour'),
  col('pushToFrontViolation', 'Push-to-front violation', 'Escalade non conforme'),
  col('endToEndDays', 'End to end (days)', 'De bout en bout (jours)'),
  col('teams', 'Teams', 'Équipes'),
];

/** Columns of the flow export of Meridian's cases (per provider). */
export const PROVIDER_FLOW_COLUMNS = [
  col('provider', 'Provider', 'Prestataire'),
  col('cases', 'Cases', 'Dossiers'),
  col('providerHandoffs', 'Handoffs between providers', 'Transferts entre prestataires'),
  col('teamHandoffs', 'Team handoffs', 'Transferts entre équipes'),
  col('pingPongCases', 'Ping-pong cases', 'Dossiers en aller-retour'),
  col('meanEndToEndMs', 'Mean end to end (ms)', 'Moyenne de bout en bout (ms)'),
];
