/**
 * The Licences report as CSV: its columns and rows (it changes when the export's layout does), one row per SKU and
 * then a total row, amounts in the client's currency.
 */
import { toCsv, type CsvCell } from '../shared/csv.js';
import type { LicenceOverview, MonthlyAmount } from '../contracts/licences.js';

/** The overview as a CSV file named after the client. */
export function licenceReportCsv(overview: LicenceOverview): { fileName: string; text: string } {
  const amount = (value: MonthlyAmount | null): CsvCell => value?.amount ?? null;
  const rows: CsvCell[][] = overview.subscriptions.map((s) => [
    s.productName,
    s.skuPartNumber,
    s.skuId,
    s.purchasedUnits,
    s.assignedUnits,
    s.unusedUnits,
    s.inactiveHolders,
    amount(s.price),
    amount(s.monthlyCost),
    amount(s.unusedCost),
    amount(s.inactiveCost),
    overview.currency,
  ]);
  const t = overview.totals;
  rows.push([
    'Total',
    null,
    null,
    t.purchasedUnits,
    t.assignedUnits,
    t.unusedUnits,
    t.inactiveLicensedUsers,
    null,
    amount(t.monthlyCost),
    amount(t.unusedCost),
    amount(t.inactiveCost),
    overview.currency,
  ]);
  const text = toCsv({
    columns: [
      'product',
      'sku_part_number',
      'sku_id',
      'purchased',
      'assigned',
      'unused',
      'inactive_holders',
      'monthly_price',
      'monthly_cost',
      'unused_cost',
      'inactive_cost',
      'currency',
    ],
    rows,
  });
  return { fileName: `licences-${overview.clientName}.csv`, text };
}
