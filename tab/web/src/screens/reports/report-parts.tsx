import {
  Body1,
  Caption1,
  Card,
  CardHeader,
  Subtitle2,
  TableCellLayout,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { type ReactNode } from 'react';
import type { ReportUser } from '../../api/types.js';

/** The layout and the small pieces every report body shares: a chart card, a user cell, a percentage. */
export const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    // Tops aligned: a field with a hint under its control (Group, when no group is imported for reporting) must not
    // lift its label and control above the others'.
    alignItems: 'flex-start',
    marginBottom: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
  },
  select: { minWidth: '180px' },
  /** A button level with the fields' controls: below a label's line and the field's gap (Fluent's Field layout). */
  besideFields: { marginTop: `calc(${tokens.lineHeightBase300} + ${tokens.spacingVerticalXXS})` },
  grow: { flexGrow: 1 },
  tabs: { marginBottom: tokens.spacingVerticalM },
  charts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))',
    gap: tokens.spacingHorizontalL,
    marginBottom: tokens.spacingVerticalL,
  },
  // Where a chart has nothing to draw yet: the chart's own height, so the row keeps its shape.
  chartPlaceholder: {
    height: '260px',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    textAlign: 'center',
  },
  card: {
    padding: tokens.spacingHorizontalL,
    gap: tokens.spacingVerticalS,
    minWidth: 0,
    // The charts' legends capitalise every word ("Today So Far (Successful)"); the tab writes sentence case.
    '& .fui-legend__legend': { textTransform: 'none' },
  },
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  numeric: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  muted: { color: tokens.colorNeutralForeground3 },
  names: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
  },
  section: { marginBottom: tokens.spacingVerticalL },
  heading: { display: 'block', marginBottom: tokens.spacingVerticalS },
  definitions: { color: tokens.colorNeutralForeground3, margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

export function ChartCard({
  title,
  description,
  children,
}: {
  readonly title: string;
  /** A line under the title about what the chart leaves out. */
  readonly description?: string | undefined;
  readonly children: ReactNode;
}) {
  const styles = useStyles();
  return (
    <Card className={styles.card} role="figure" aria-label={title}>
      <CardHeader
        header={<Subtitle2 as="h3">{title}</Subtitle2>}
        description={description === undefined ? null : <Caption1>{description}</Caption1>}
      />
      {children}
    </Card>
  );
}

/** What a chart's place says while the chart has nothing to draw, at the chart's height. */
export function ChartPlaceholder({ children }: { readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <div className={styles.chartPlaceholder}>
      <Body1 className={styles.muted}>{children}</Body1>
    </div>
  );
}

export function UserCell({ user }: { readonly user: ReportUser }) {
  return (
    <TableCellLayout description={user.userPrincipalName ?? null}>
      {user.displayName ?? user.userPrincipalName ?? user.id}
    </TableCellLayout>
  );
}

export function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 1000) / 10} %`;
}
