/**
 * Exports of cost recovery: a statement as XLSX (exceljs; amounts as numeric cells with a 2-decimal
 * format, written from the exact decimal strings) and as PDF (pdfkit), in the reader's language; a whole
 * billing run as CSV (csv-stringify; amounts as decimal strings, one row per statement line).
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { formatAmount } from '../agreements/agreement-document.ts';
import type { Statement, StatementLine, StatementSummary } from './billing.schema.ts';

type Lang = 'en' | 'fr';

const LABELS = {
  en: {
    statement: 'Statement',
    period: 'Period',
    entity: 'Client entity',
    provider: 'Provider',
    total: 'Total (USD)',
    status: 'Period',
    open: 'open (provisional)',
    closed: 'closed',
    columns: ['#', 'Service', 'Kind', 'Basis', 'Case', 'Description', 'Quantity', 'Unit price', 'Amount (USD)', 'Agreement'],
    kinds: { charge: 'charge', 'service-credit': 'service credit' },
    notes: 'Credit and debit notes',
    noteColumns: ['Number', 'Kind', 'Amount (USD)', 'Case', 'Reason'],
    noteKinds: { credit: 'credit', debit: 'debit' },
  },
  fr: {
    statement: 'Relevé',
    period: 'Période',
    entity: 'Entité cliente',
    provider: 'Prestataire',
    total: 'Total (USD)',
    status: 'Période',
    open: 'ouverte (provisoire)',
    closed: 'close',
    columns: ['#', 'Service', 'Type', 'Base', 'Dossier', 'Description', 'Quantité', 'Prix unitaire', 'Montant (USD)', 'Accord'],
    kinds: { charge: 'frais', 'service-credit': 'crédit de service' },
    notes: 'Notes de crédit et de débit',
    noteColumns: ['Numéro', 'Type', 'Montant (USD)', 'Dossier', 'Motif'],
    noteKinds: { credit: 'crédit', debit: 'débit' },
  },
} as const;

/** The statement as an XLSX workbook (one sheet of lines, one of notes). */
export async function statementXlsx(s: Statement, lang: Lang): Promise<Buffer> {
  const L = LABELS[lang];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Meridian';
  const ws = wb.addWorksheet(s.number.slice(0, 31));
  ws.addRow([`${L.statement} ${s.number}`]).font = { bold: true, size: 14 };
  ws.addRow([L.period, s.period, s.runState === 'closed' ? L.closed : L.open]);
  ws.addRow([L.entity, s.entity]);
  ws.addRow([L.provider, s.provider]);
  ws.addRow([]);
  const header = ws.addRow([...L.columns]);
  header.font = { bold: true };
  for (const l of s.lines) {
    // Numeric cells from the exact strings: Excel holds doubles, but each value here has at most 4 decimals.
    ws.addRow([
      l.position,
      l.service,
      L.kinds[l.kind],
      l.basis,
      l.caseReference ?? '',
      l.description,
      Number(l.quantity),
      Number(l.unitPrice),
      Number(l.amount),
      l.agreement ?? '',
    ]);
  }
  const total = ws.addRow(['', '', '', '', '', L.total, '', '', Number(s.total), '']);
  total.font = { bold: true };
  ws.getColumn(7).numFmt = '#,##0.0000';
  ws.getColumn(8).numFmt = '#,##0.0000';
  ws.getColumn(9).numFmt = '#,##0.00';
  ws.getColumn(6).width = 48;
  for (const c of [2, 4, 5, 10]) ws.getColumn(c).width = 18;
  if (s.notes.length) {
    const ns = wb.addWorksheet(L.notes.slice(0, 31));
    ns.addRow([...L.noteColumns]).font = { bold: true };
    for (const n of s.notes) ns.addRow([n.number, L.noteKinds[n.kind], Number(n.amount), n.caseReference ?? '', n.reason]);
    ns.getColumn(3).numFmt = '#,##0.00';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The statement as PDF (A4 landscape, standard fonts). */
export async function statementPdf(s: Statement, lang: Lang): Promise<Buffer> {
  const L = LABELS[lang];
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 40,
    lang,
    info: { Title: `${L.statement} ${s.number}`, Creator: 'Meridian' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(`${L.statement} ${s.number}`);
  doc.font('Helvetica').fontSize(10);
  doc.text(`${L.period}: ${s.period} (${s.runState === 'closed' ? L.closed : L.open})`);
  doc.text(`${L.entity}: ${s.entity}    ${L.provider}: ${s.provider}`);
  doc.moveDown();
  const widths = [25, 85, 70, 70, 75, 200, 55, 65, 70, 45];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    let x = doc.page.margins.left;
    let h = 0;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    cells.forEach((c, i) => {
      const w = widths[i] as number;
      const align = i >= 6 && i <= 8 ? 'right' : 'left';
      doc.text(c, x, y, { width: w - 4, align });
      h = Math.max(h, doc.heightOfString(c, { width: w - 4 }));
      x += w;
    });
    doc.x = doc.page.margins.left;
    doc.y = y + h + 3;
    if (doc.y > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
  };
  row([...L.columns], true);
  for (const l of s.lines) row(lineCells(l, lang));
  row(['', '', '', '', '', L.total, '', '', formatAmount(s.total, lang), ''], true);
  if (s.notes.length) {
    doc.moveDown().font('Helvetica-Bold').fontSize(11).text(L.notes, doc.page.margins.left);
    doc.font('Helvetica').fontSize(9);
    for (const n of s.notes) {
      doc.text(
        `${n.number} — ${L.noteKinds[n.kind]} ${formatAmount(n.amount, lang)} USD${n.caseReference ? ` (${n.caseReference})` : ''}: ${n.reason}`,
      );
    }
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

function lineCells(l: StatementLine, lang: Lang): string[] {
  const L = LABELS[lang];
  return [
    String(l.position),
    l.service,
    L.kinds[l.kind],
    l.basis,
    l.caseReference ?? '',
    l.description,
    formatAmount(l.quantity, lang, 0),
    formatAmount(l.unitPrice, lang, 2),
    formatAmount(l.amount, lang),
    l.agreement ?? '',
  ];
}

/** Every line of a run as CSV (header row; amounts as exact decimal strings with a dot). */
export function runCsv(lines: Array<StatementLine & { statement: StatementSummary }>): string {
  return stringify(
    lines.map((l) => [
      l.statement.period,
      l.statement.number,
      l.statement.entity,
      l.statement.provider,
      l.position,
      l.kind,
      l.service,
      l.basis,
      l.caseReference ?? '',
      l.description,
      l.quantity,
      l.unitPrice,
      l.amount,
      'USD',
      l.agreement ?? '',
    ]),
    {
      header: true,
      columns: [
        'period',
        'statement',
        'entity',
        'provider',
        'line',
        'kind',
        'service',
        'basis',
        'case',
        'description',
        'quantity',
        'unit_price',
        'amount',
        'currency',
        'agreement',
      ],
    },
  );
}
