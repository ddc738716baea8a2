import {
  Badge,
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  Link,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type {
  ClientHeader,
  InactiveLicensedList,
  InactiveReason,
  LicenceOverview,
  LicencePricesView,
  MonthlyAmount,
  UserActionAvailability,
} from '../api/types.js';
import { canOperate, useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { StatCard, StatGrid } from '../components/stat-card.js';
import { useResource } from '../hooks/use-resource.js';
import { UserActionsPanel } from './user-actions-panel.js';
import { formatDate, formatNumber } from '../format.js';
import { EndAlignedHeaderCell } from '../components/end-aligned-header-cell.js';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalL,
  },
  prices: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
  hint: { color: tokens.colorNeutralForeground3 },
  // The SKU's part number on a line of its own under the product's name, as other tables put a second line.
  partNumber: { color: tokens.colorNeutralForeground3, display: 'block' },
  numeric: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  // A long sign-in name wraps inside its cell rather than running under the next column.
  upn: { color: tokens.colorNeutralForeground3, display: 'block', overflowWrap: 'anywhere' },
  reasons: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
});

const REASON_LABEL: Readonly<Record<InactiveReason, string>> = {
  expired: 'Expired',
  account_disabled: 'Sign-in blocked',
  never_signed_in: 'Never signed in',
};

const ACTION_LABEL: Readonly<Record<UserActionAvailability['action'], string>> = {
  block_sign_in: 'Block sign-in',
  revoke_sessions: 'Revoke sessions',
  remove_licences: 'Remove licences',
};

/** An amount, or a dash where no price is set: the product never shows a cost it does not know. */
function money(amount: MonthlyAmount | null): string {
  return amount === null ? '—' : `${amount.amount} ${amount.currency}`;
}

/**
 * Licences (issue 17): the client's subscriptions (assigned vs purchased, unused seats) and what they cost at the
 * partner's prices, the inactive but licensed users with the monthly cost they hold, and — for admins — the prices.
 */
export function LicencesScreen({ client }: { readonly client: ClientHeader }) {
  const styles = useStyles();
  const { api, me, notify } = useApp();
  const base = `/clients/${encodeURIComponent(client.name)}/licences`;
  const overview = useResource(() => api.get<LicenceOverview>(base), `licences:${client.id}`);
  const inactive = useResource(
    () => api.get<InactiveLicensedList>(`${base}/inactive`, { limit: 200 }),
    `licences-inactive:${client.id}`,
  );
  const actions = useResource(
    () => api.get<{ actions: UserActionAvailability[] }>(`${base}/actions`),
    `licences-actions:${client.id}`,
  );
  const mayConfigure = canOperate(me, client.id);
  // The hash is the tab's route: scroll to the prices instead of following the link.
  const toPrices = (event: { preventDefault(): void }): void => {
    event.preventDefault();
    document.getElementById('your-prices')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };
  const [selected, setSelected] = useState<readonly string[]>([]);

  if (overview.error !== undefined) return <ErrorBar error={overview.error} />;
  if (overview.data === undefined) return <Spinner label="Loading licences…" />;
  const data = overview.data;
  const reload = (): void => {
    overview.reload();
    inactive.reload();
  };

  return (
    <div>
      <PageHeader
        title="Licences"
        description="Subscriptions of the client's tenant, seats assigned and unused, and what they cost at your prices."
        actions={
          <Button
            icon={<ArrowDownloadRegular />}
            onClick={() => {
              api.download(`${base}.csv`, {}).catch((failure: unknown) => {
                notify(
                  'error',
                  'Download failed',
                  failure instanceof Error ? failure.message : String(failure),
                );
              });
            }}
          >
            Download CSV
          </Button>
        }
      />
      {!data.read && (
        <Body1 className={styles.hint}>
          The licences have not been read from the tenant yet: sync the client.
        </Body1>
      )}
      <StatGrid>
        <StatCard label="Monthly licence cost" value={money(data.totals.monthlyCost)} />
        <StatCard
          label="Held by inactive users"
          value={money(data.totals.inactiveCost)}
          hint={`${formatNumber(data.totals.inactiveLicensedUsers)} inactive but licensed`}
        />
        <StatCard
          label="Unused seats"
          value={formatNumber(data.totals.unusedUnits)}
          {...(data.totals.unusedCost === null ? {} : { hint: `${money(data.totals.unusedCost)} a month` })}
        />
        <StatCard
          label="Seats assigned"
          value={`${formatNumber(data.totals.assignedUnits)} / ${formatNumber(data.totals.purchasedUnits)}`}
        />
      </StatGrid>
      {data.unpricedSkus > 0 && (
        <Caption1 className={styles.hint}>
          {data.unpricedSkus === 1 ? '1 product has' : `${formatNumber(data.unpricedSkus)} products have`} no
          price, so {data.unpricedSkus === 1 ? 'its' : 'their'} cost is not shown.{' '}
          {mayConfigure ? (
            <Link href="#your-prices" onClick={toPrices}>
              Set your prices
            </Link>
          ) : (
            'An admin of this client can set the prices.'
          )}
        </Caption1>
      )}
      <div className={styles.section}>
        <Subtitle2 as="h2">Subscriptions</Subtitle2>
        <Table aria-label="Subscriptions" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '30%' }}>Product</TableHeaderCell>
              <EndAlignedHeaderCell>Assigned</EndAlignedHeaderCell>
              <EndAlignedHeaderCell>Purchased</EndAlignedHeaderCell>
              <EndAlignedHeaderCell>Unused</EndAlignedHeaderCell>
              <EndAlignedHeaderCell>Price / month</EndAlignedHeaderCell>
              <EndAlignedHeaderCell>Cost / month</EndAlignedHeaderCell>
              <EndAlignedHeaderCell>Inactive holders</EndAlignedHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.subscriptions.map((sku) => (
              <TableRow key={sku.skuId}>
                <TableCell>
                  {sku.productName}
                  <Caption1 className={styles.partNumber}> {sku.skuPartNumber}</Caption1>
                </TableCell>
                <TableCell className={styles.numeric}>{formatNumber(sku.assignedUnits)}</TableCell>
                <TableCell className={styles.numeric}>{formatNumber(sku.purchasedUnits)}</TableCell>
                <TableCell className={styles.numeric}>{formatNumber(sku.unusedUnits)}</TableCell>
                <TableCell className={styles.numeric}>{money(sku.price)}</TableCell>
                <TableCell className={styles.numeric}>{money(sku.monthlyCost)}</TableCell>
                <TableCell className={styles.numeric}>
                  {formatNumber(sku.inactiveHolders)}
                  {sku.inactiveCost !== null && ` (${money(sku.inactiveCost)})`}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Caption1 className={styles.hint}>
          Product names: Microsoft,{' '}
          <Link href={data.productNamesSource.url} target="_blank" rel="noreferrer" inline>
            Product names and service plan identifiers for licensing
          </Link>{' '}
          ({data.productNamesSource.lastUpdated}).
        </Caption1>
      </div>
      <div className={styles.section}>
        <Subtitle2 as="h2">Inactive but licensed</Subtitle2>
        {inactive.error !== undefined && <ErrorBar error={inactive.error} />}
        {inactive.data === undefined ? (
          <Spinner size="tiny" />
        ) : (
          <>
            <Body1>
              {inactive.data.total === 1
                ? '1 inactive user holds'
                : `${formatNumber(inactive.data.total)} inactive users hold`}{' '}
              {inactive.data.monthlyCost === null
                ? 'licences (set prices to see what they cost a month).'
                : `${money(inactive.data.monthlyCost)} a month of licences.`}
            </Body1>
            <Table aria-label="Inactive but licensed users" size="small">
              <TableHeader>
                <TableRow>
                  {mayConfigure && <TableHeaderCell>Select</TableHeaderCell>}
                  <TableHeaderCell>User</TableHeaderCell>
                  <TableHeaderCell>Why</TableHeaderCell>
                  <TableHeaderCell>Last sign-in</TableHeaderCell>
                  <TableHeaderCell>Licences</TableHeaderCell>
                  <TableHeaderCell>Cost / month</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {inactive.data.users.map((user) => (
                  <TableRow key={user.id}>
                    {mayConfigure && (
                      <TableCell>
                        <Checkbox
                          aria-label={`Select ${user.displayName ?? user.id}`}
                          checked={selected.includes(user.id)}
                          onChange={(_event, data) => {
                            setSelected((previous) =>
                              data.checked === true
                                ? [...previous, user.id]
                                : previous.filter((id) => id !== user.id),
                            );
                          }}
                        />
                      </TableCell>
                    )}
                    <TableCell>
                      {user.displayName ?? user.id}
                      <Caption1 className={styles.upn}>{user.userPrincipalName}</Caption1>
                    </TableCell>
                    <TableCell>
                      <span className={styles.reasons}>
                        {user.inactiveReasons.map((reason) => (
                          <Badge key={reason} appearance="tint" color="warning">
                            {REASON_LABEL[reason]}
                          </Badge>
                        ))}
                      </span>
                    </TableCell>
                    <TableCell>
                      {user.lastActivityAt === null ? 'never' : formatDate(user.lastActivityAt)}
                    </TableCell>
                    <TableCell>{user.licences.map((licence) => licence.productName).join(', ')}</TableCell>
                    <TableCell>{money(user.monthlyCost)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {mayConfigure && (
              <UserActionsPanel
                clientName={client.name}
                selected={selected}
                onDone={() => {
                  setSelected([]);
                  reload();
                }}
              />
            )}
          </>
        )}
      </div>
      <div className={styles.section}>
        <Subtitle2 as="h2">Actions on inactive users</Subtitle2>
        <Caption1 className={styles.hint}>
          Optional: each needs its own Microsoft Graph permission, granted by the client&apos;s admin.
        </Caption1>
        {actions.data === undefined ? (
          <Spinner size="tiny" />
        ) : (
          <Table aria-label="Actions on inactive users" size="small">
            <TableBody>
              {actions.data.actions.map((action) => (
                <TableRow key={action.action}>
                  <TableCell>{ACTION_LABEL[action.action]}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={action.available ? 'success' : 'subtle'}>
                      {action.available ? 'Available' : 'Not granted'}
                    </Badge>
                  </TableCell>
                  <TableCell>{action.detail}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
      {mayConfigure && <PricesEditor base={base} onSaved={reload} />}
    </div>
  );
}

/** The partner's monthly price per SKU and the client's currency (an admin action, audited by the core). */
function PricesEditor(props: { readonly base: string; readonly onSaved: () => void }) {
  const styles = useStyles();
  const { api, notify } = useApp();
  const prices = useResource(
    () => api.get<LicencePricesView>(`${props.base}/prices`),
    `prices:${props.base}`,
  );
  const [currency, setCurrency] = useState<string | undefined>();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  if (prices.error !== undefined) return <ErrorBar error={prices.error} />;
  if (prices.data === undefined) return <Spinner size="tiny" />;
  const view = prices.data;
  const save = (): void => {
    setSaving(true);
    const changed = Object.entries(edits).map(([skuId, text]) => ({
      skuId,
      monthlyPrice: text.trim() === '' ? null : text.trim(),
    }));
    api
      .put(`${props.base}/prices`, {
        ...(currency === undefined ? {} : { currency }),
        prices: changed,
      })
      .then(
        () => {
          setSaving(false);
          setEdits({});
          setCurrency(undefined);
          prices.reload();
          props.onSaved();
          notify('success', 'Prices saved');
        },
        (failure: unknown) => {
          setSaving(false);
          notify('error', 'Prices not saved', failure instanceof Error ? failure.message : String(failure));
        },
      );
  };
  return (
    <div className={styles.section}>
      <Subtitle2 as="h2" id="your-prices">
        Your prices
      </Subtitle2>
      <Caption1 className={styles.hint}>
        Your monthly resale price per seat. A SKU without a price shows no cost. Leave a price empty to remove
        it.
      </Caption1>
      <div className={styles.prices}>
        <Field label="Currency (ISO 4217)">
          <Input
            aria-label="Currency"
            value={currency ?? view.currency ?? ''}
            placeholder="GBP"
            maxLength={3}
            onChange={(_event, data) => {
              setCurrency(data.value);
            }}
          />
        </Field>
        {view.prices.map((row) => (
          <Field key={row.skuId} label={row.productName}>
            <Input
              aria-label={`Price of ${row.productName}`}
              value={edits[row.skuId] ?? row.price?.amount ?? ''}
              placeholder="no price"
              inputMode="decimal"
              onChange={(_event, data) => {
                setEdits((previous) => ({ ...previous, [row.skuId]: data.value }));
              }}
            />
          </Field>
        ))}
        <Button
          appearance="primary"
          disabled={saving || (currency === undefined && Object.keys(edits).length === 0)}
          onClick={save}
        >
          Save prices
        </Button>
      </div>
    </div>
  );
}
