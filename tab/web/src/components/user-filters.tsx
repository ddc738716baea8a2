import {
  Checkbox,
  Combobox,
  Dropdown,
  Field,
  Option,
  SearchBox,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { GroupPage } from '../api/types.js';
import { useApp } from '../app-context.js';
import { EXPIRING_SOON_DAYS } from '../expiring-soon.js';
import { useDebounced, useResource } from '../hooks/use-resource.js';

/** The users list filters, as the API takes them. */
export interface UserFilterValues {
  readonly search: string;
  readonly state: '' | 'imported' | 'not_imported' | 'disabled';
  readonly expired: boolean;
  /** Imported users who will expire within {@link EXPIRING_SOON_DAYS} days unless they sign in. */
  readonly expiringSoon: boolean;
  readonly guest: '' | 'true' | 'false';
  /** External members only: `#EXT#` accounts Entra classifies as members (billable; exclude them knowingly). */
  readonly externalMember: boolean;
  /** Only the users whose sign-in is blocked in Entra (imported, they are not billable). */
  readonly signInBlocked: boolean;
  /** Only the users who may be imported (rule 3: not guests, not deleted, in no excluded group). */
  readonly eligible: boolean;
  readonly department: string;
  /** Group id. */
  readonly group: string;
}

export const noUserFilters: UserFilterValues = {
  search: '',
  state: '',
  expired: false,
  expiringSoon: false,
  guest: '',
  externalMember: false,
  signInBlocked: false,
  eligible: false,
  department: '',
  group: '',
};

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
  },
  search: { minWidth: '240px', flexGrow: 1, maxWidth: '360px' },
  select: { minWidth: '150px' },
  combo: { minWidth: '190px' },
});

const stateLabels: Record<UserFilterValues['state'], string> = {
  '': 'Any state',
  imported: 'Imported',
  not_imported: 'Not imported',
  disabled: 'Disabled',
};
const guestLabels: Record<UserFilterValues['guest'], string> = {
  '': 'Members and guests',
  false: 'Members only',
  true: 'Guests only',
};

/**
 * Search and filters of the users list: state, expired, guest, external members, blocked sign-in, department and group. Every control has a visible
 * label; the group box searches the client's groups as the admin types.
 */
export function UserFilters(props: {
  readonly clientRef: string;
  readonly value: UserFilterValues;
  readonly onChange: (value: UserFilterValues) => void;
  readonly showState?: boolean;
  readonly showExpired?: boolean;
  /** Offer "Can be imported only" (the Entra ID users screen). */
  readonly showEligible?: boolean;
}) {
  const styles = useStyles();
  const { api } = useApp();
  const { value, onChange } = props;
  const base = `/clients/${encodeURIComponent(props.clientRef)}`;
  const departments = useResource(
    () => api.get<{ departments: string[] }>(`${base}/departments`),
    `departments:${base}`,
  );
  const [groupQuery, setGroupQuery] = useState('');
  const settledGroupQuery = useDebounced(groupQuery, 250);
  const groups = useResource(
    () => api.get<GroupPage>(`${base}/groups`, { search: settledGroupQuery, limit: 20 }),
    `groups:${base}:${settledGroupQuery}`,
  );
  const [groupName, setGroupName] = useState('');

  return (
    <div className={styles.bar} role="search" aria-label="Filter users">
      <Field label="Search" className={styles.search}>
        <SearchBox
          placeholder="Name, UPN or e-mail"
          value={value.search}
          onChange={(_event, data) => {
            onChange({ ...value, search: data.value });
          }}
        />
      </Field>
      {props.showState !== false && (
        <Field label="State" className={styles.select}>
          <Dropdown
            value={stateLabels[value.state]}
            selectedOptions={[value.state]}
            onOptionSelect={(_event, data) => {
              onChange({ ...value, state: (data.optionValue ?? '') as UserFilterValues['state'] });
            }}
          >
            {Object.entries(stateLabels).map(([key, label]) => (
              <Option key={key} value={key}>
                {label}
              </Option>
            ))}
          </Dropdown>
        </Field>
      )}
      <Field label="Account type" className={styles.select}>
        <Dropdown
          value={guestLabels[value.guest]}
          selectedOptions={[value.guest]}
          onOptionSelect={(_event, data) => {
            onChange({ ...value, guest: (data.optionValue ?? '') as UserFilterValues['guest'] });
          }}
        >
          {Object.entries(guestLabels).map(([key, label]) => (
            <Option key={key} value={key}>
              {label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Department" className={styles.combo}>
        <Combobox
          placeholder="Any department"
          clearable
          value={value.department}
          selectedOptions={value.department === '' ? [] : [value.department]}
          onOptionSelect={(_event, data) => {
            onChange({ ...value, department: data.optionValue ?? '' });
          }}
        >
          {(departments.data?.departments ?? []).map((department) => (
            <Option key={department}>{department}</Option>
          ))}
        </Combobox>
      </Field>
      <Field label="Group" className={styles.combo}>
        <Combobox
          placeholder="Any group"
          clearable
          freeform
          value={groupName}
          selectedOptions={value.group === '' ? [] : [value.group]}
          onChange={(event) => {
            setGroupName(event.target.value);
            setGroupQuery(event.target.value);
          }}
          onOptionSelect={(_event, data) => {
            setGroupName(data.optionText ?? '');
            onChange({ ...value, group: data.optionValue ?? '' });
          }}
        >
          {(groups.data?.items ?? []).map((group) => (
            <Option key={group.id} value={group.id} text={group.displayName ?? group.id}>
              {group.displayName ?? group.id}
            </Option>
          ))}
        </Combobox>
      </Field>
      {props.showExpired !== false && (
        <>
          <Checkbox
            label="Expired only"
            checked={value.expired}
            onChange={(_event, data) => {
              // Expired and expiring soon exclude each other: one at a time.
              onChange({ ...value, expired: data.checked === true, expiringSoon: false });
            }}
          />
          <Checkbox
            label={`Expiring within ${String(EXPIRING_SOON_DAYS)} days`}
            checked={value.expiringSoon}
            onChange={(_event, data) => {
              onChange({ ...value, expiringSoon: data.checked === true, expired: false });
            }}
          />
        </>
      )}
      {props.showEligible === true && (
        <Checkbox
          label="Can be imported only"
          checked={value.eligible}
          onChange={(_event, data) => {
            onChange({ ...value, eligible: data.checked === true });
          }}
        />
      )}
      <Checkbox
        label="External members only"
        checked={value.externalMember}
        onChange={(_event, data) => {
          onChange({ ...value, externalMember: data.checked === true });
        }}
      />
      <Checkbox
        label="Sign-in blocked only"
        checked={value.signInBlocked}
        onChange={(_event, data) => {
          onChange({ ...value, signInBlocked: data.checked === true });
        }}
      />
    </div>
  );
}

/** The filters as query parameters (empty ones left out). */
export function filterQuery(value: UserFilterValues): Record<string, string | number | boolean | undefined> {
  return {
    search: value.search.trim() === '' ? undefined : value.search.trim(),
    state: value.state === '' ? undefined : value.state,
    expired: value.expired ? true : undefined,
    expiringWithinDays: value.expiringSoon ? EXPIRING_SOON_DAYS : undefined,
    guest: value.guest === '' ? undefined : value.guest,
    externalMember: value.externalMember ? true : undefined,
    signInBlocked: value.signInBlocked ? true : undefined,
    eligible: value.eligible ? true : undefined,
    department: value.department === '' ? undefined : value.department,
    group: value.group === '' ? undefined : value.group,
  };
}
