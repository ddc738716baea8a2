import { Caption1, Card, Title2, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalL,
  },
  card: { padding: tokens.spacingHorizontalL, gap: tokens.spacingVerticalXXS },
  label: { color: tokens.colorNeutralForeground3 },
  hint: { color: tokens.colorNeutralForeground3 },
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
      <Title2 as="p" style={{ margin: 0 }}>
        {props.value}
      </Title2>
      {props.hint !== undefined && <Caption1 className={styles.hint}>{props.hint}</Caption1>}
    </Card>
  );
}
