import { Caption1, Card, Title2, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  // Cards as wide as their figure (at least 170 px): "2,921 / 3,164" stays on one line instead of breaking at the
  // slash in a fixed column.
  grid: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'stretch',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalL,
  },
  card: {
    padding: tokens.spacingHorizontalL,
    gap: tokens.spacingVerticalXXS,
    flex: '0 0 auto',
    minWidth: '170px',
    boxSizing: 'border-box',
  },
  value: { margin: 0, whiteSpace: 'nowrap' },
  // Label and hint wrap within the width the figure gives the card; they do not widen it.
  label: { color: tokens.colorNeutralForeground3, contain: 'inline-size' },
  hint: { color: tokens.colorNeutralForeground3, contain: 'inline-size' },
});

/** A row of headline figures. */
export function StatGrid({ children }: { readonly children: ReactNode }) {
  return <div className={useStyles().grid}>{children}</div>;
}

export function StatCard(props: {
  readonly label: string;
  readonly value: ReactNode;
  readonly hint?: ReactNode;
}) {
  const styles = useStyles();
  return (
    <Card className={styles.card} appearance="filled-alternative" role="group" aria-label={props.label}>
      <Caption1 className={styles.label}>{props.label}</Caption1>
      <Title2 as="p" className={styles.value}>
        {props.value}
      </Title2>
      {props.hint !== undefined && <Caption1 className={styles.hint}>{props.hint}</Caption1>}
    </Card>
  );
}
