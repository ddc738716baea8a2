import { Button, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular } from '@fluentui/react-icons';
import { useCallback, useRef, useState } from 'react';
import { formatNumber } from '../format.js';

const useStyles = makeStyles({
  pager: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: tokens.spacingHorizontalM,
    marginTop: tokens.spacingVerticalM,
  },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS },
});

/** Keyset paging: the cursors of the pages already seen, so "Previous" needs no offset. */
export function useCursorPages(resetKey: string): {
  readonly cursor: string | undefined;
  readonly pageIndex: number;
  readonly next: (cursor: string) => void;
  readonly previous: () => void;
} {
  const [state, setState] = useState<{ key: string; stack: (string | undefined)[] }>({
    key: resetKey,
    stack: [undefined],
  });
  const stack = state.key === resetKey ? state.stack : [undefined];
  const next = useCallback(
    (cursor: string) => {
      setState({ key: resetKey, stack: [...stack, cursor] });
    },
    [resetKey, stack],
  );
  const previous = useCallback(() => {
    setState({ key: resetKey, stack: stack.length > 1 ? stack.slice(0, -1) : stack });
  }, [resetKey, stack]);
  return { cursor: stack.at(-1), pageIndex: stack.length - 1, next, previous };
}

/**
 * The total of a filtered list, counted by the server on the first page only (counting 100k users on every page
 * would cost more than the page) and remembered for the next pages of the same filters.
 */
export function useRememberedTotal(filterKey: string, total: number | null | undefined): number | null {
  const remembered = useRef<{ key: string; total: number | null }>({ key: filterKey, total: null });
  if (remembered.current.key !== filterKey) remembered.current = { key: filterKey, total: null };
  if (total !== null && total !== undefined) remembered.current.total = total;
  return remembered.current.total;
}

/** "51–100 of 100,000" with Previous / Next. */
export function Pager(props: {
  readonly pageIndex: number;
  readonly pageSize: number;
  readonly shown: number;
  readonly total: number | null;
  readonly hasNext: boolean;
  readonly onPrevious: () => void;
  readonly onNext: () => void;
  readonly label: string;
}) {
  const styles = useStyles();
  const first = props.pageIndex * props.pageSize + (props.shown === 0 ? 0 : 1);
  const last = props.pageIndex * props.pageSize + props.shown;
  return (
    <nav className={styles.pager} aria-label={`${props.label} pages`}>
      <Caption1 role="status" aria-live="polite">
        {props.shown === 0
          ? 'Nothing to show'
          : `${formatNumber(first)}–${formatNumber(last)}${props.total === null ? '' : ` of ${formatNumber(props.total)}`}`}
      </Caption1>
      <div className={styles.buttons}>
        <Button icon={<ChevronLeftRegular />} disabled={props.pageIndex === 0} onClick={props.onPrevious}>
          Previous
        </Button>
        <Button
          icon={<ChevronRightRegular />}
          iconPosition="after"
          disabled={!props.hasNext}
          onClick={props.onNext}
        >
          Next
        </Button>
      </div>
    </nav>
  );
}
