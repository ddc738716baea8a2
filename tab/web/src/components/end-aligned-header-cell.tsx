import {
  makeStyles,
  mergeClasses,
  TableHeaderCell,
  type TableHeaderCellProps,
} from '@fluentui/react-components';

const useStyles = makeStyles({
  cell: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  // Fluent lays the label out in a flex "button" slot from the left, whatever the cell's text-align says.
  label: { justifyContent: 'flex-end', textAlign: 'right' },
});

/** A column header over right-aligned figures or actions, its label lined up with them. */
export function EndAlignedHeaderCell(props: TableHeaderCellProps) {
  const styles = useStyles();
  return (
    <TableHeaderCell
      {...props}
      className={mergeClasses(styles.cell, props.className)}
      button={{ className: styles.label }}
    />
  );
}
