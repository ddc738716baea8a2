import {
  Body1,
  Button,
  Caption1,
  Field,
  Select,
  Spinner,
  Subtitle2,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { AlertSettingView, AlertSettingsView, ClientHeader } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { useAction } from './use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSectionStyles } from './section-styles.js';

const EVERY_CHAT = '';
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** Every time zone the browser knows, the saved one first if it is not among them. */
function timeZones(saved: string): string[] {
  const known =
    (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const all = ['UTC', ...known.filter((zone) => zone !== 'UTC')];
  return all.includes(saved) ? all : [saved, ...all];
}

/** Per alert: on or off, where it goes, at once or in a daily digest at an hour of the client's time zone. */
export function AlertSettingsPanel(props: { readonly client: ClientHeader; readonly base: string }) {
  const styles = useSectionStyles();
  const { api, notify } = useApp();
  const loaded = useResource(
    () => api.get<AlertSettingsView>(`${props.base}/alert-settings`),
    `alert-settings:${props.client.id}`,
  );
  const [draft, setDraft] = useState<readonly AlertSettingView[]>([]);
  const [timeZone, setTimeZone] = useState('UTC');
  useEffect(() => {
    if (loaded.data === undefined) return;
    setDraft(loaded.data.settings);
    setTimeZone(loaded.data.timeZone);
  }, [loaded.data]);
  const save = useAction(
    () =>
      api.put<AlertSettingsView>(`${props.base}/alert-settings`, {
        timeZone,
        settings: draft.map(({ kind, enabled, conversationId, delivery, digestHour }) => ({
          kind,
          enabled,
          conversationId,
          delivery,
          digestHour,
        })),
      }),
    () => {
      notify('success', 'Alert settings saved');
      loaded.reload();
    },
  );

  if (loaded.error !== undefined) return <ErrorBar error={loaded.error} />;
  if (loaded.data === undefined) return <Spinner size="tiny" label="Loading alert settings…" />;
  const view = loaded.data;
  const readOnly = !view.canChange;
  const change = (kind: string, patch: Partial<AlertSettingView>): void => {
    setDraft((current) =>
      current.map((setting) => (setting.kind === kind ? { ...setting, ...patch } : setting)),
    );
  };

  return (
    <section className={styles.section} aria-labelledby="alert-settings-heading">
      <Subtitle2 as="h2" id="alert-settings-heading">
        Alert settings
      </Subtitle2>
      <Body1>
        Choose which alerts you get for this client, in which chat or channel, and whether at once or gathered
        in one daily message. Hours are in the time zone below.
      </Body1>
      {readOnly && <Caption1 className={styles.hint}>Only the client’s admins can change these.</Caption1>}
      <Field label="Time zone for digest hours" className={styles.row}>
        <Select
          value={timeZone}
          disabled={readOnly}
          onChange={(_event, data) => {
            setTimeZone(data.value);
          }}
        >
          {timeZones(timeZone).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </Select>
      </Field>
      <Table aria-label="Alert settings" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Alert</TableHeaderCell>
            <TableHeaderCell>On</TableHeaderCell>
            <TableHeaderCell>Where</TableHeaderCell>
            <TableHeaderCell>When</TableHeaderCell>
            <TableHeaderCell>Hour</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {draft.map((setting) => (
            <TableRow key={setting.kind}>
              <TableCell>
                <div>{setting.name}</div>
                <Caption1 className={styles.hint}>{setting.about}</Caption1>
              </TableCell>
              <TableCell>
                <Switch
                  checked={setting.enabled}
                  disabled={readOnly}
                  label={setting.enabled ? 'On' : 'Off'}
                  aria-label={`${setting.enabled ? 'On' : 'Off'}: ${setting.name}`}
                  onChange={(_event, data) => {
                    change(setting.kind, { enabled: data.checked });
                  }}
                />
              </TableCell>
              <TableCell>
                <Select
                  aria-label={`Where: ${setting.name}`}
                  value={setting.conversationId ?? EVERY_CHAT}
                  disabled={readOnly || !setting.enabled}
                  onChange={(_event, data) => {
                    change(setting.kind, { conversationId: data.value === EVERY_CHAT ? null : data.value });
                  }}
                >
                  <option value={EVERY_CHAT}>Every subscribed chat</option>
                  {view.conversations.map((conversation) => (
                    <option key={conversation.id} value={conversation.id}>
                      {conversation.label}
                    </option>
                  ))}
                  {setting.conversationId !== null &&
                    !view.conversations.some(
                      (conversation) => conversation.id === setting.conversationId,
                    ) && (
                      <option value={setting.conversationId}>
                        {setting.destinationProblem === null
                          ? 'A chat chosen by another admin'
                          : 'A chat that may no longer have these alerts'}
                      </option>
                    )}
                </Select>
                {setting.destinationProblem !== null && (
                  <Caption1 block className={styles.hint}>
                    {setting.destinationProblem}
                  </Caption1>
                )}
              </TableCell>
              <TableCell>
                {setting.digestAllowed ? (
                  <Select
                    aria-label={`When: ${setting.name}`}
                    value={setting.delivery}
                    disabled={readOnly || !setting.enabled}
                    onChange={(_event, data) => {
                      change(setting.kind, {
                        delivery: data.value === 'daily_digest' ? 'daily_digest' : 'immediate',
                      });
                    }}
                  >
                    <option value="immediate">At once</option>
                    <option value="daily_digest">In the daily digest</option>
                  </Select>
                ) : (
                  <Caption1>Mondays</Caption1>
                )}
              </TableCell>
              <TableCell>
                <Select
                  aria-label={`Hour: ${setting.name}`}
                  value={String(setting.digestHour)}
                  disabled={
                    readOnly ||
                    !setting.enabled ||
                    (setting.digestAllowed && setting.delivery === 'immediate')
                  }
                  onChange={(_event, data) => {
                    change(setting.kind, { digestHour: Number(data.value) });
                  }}
                >
                  {HOURS.map((hour) => (
                    <option key={hour} value={String(hour)}>
                      {hourLabel(hour)}
                    </option>
                  ))}
                </Select>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {save.error !== undefined && <ErrorBar error={save.error} />}
      {!readOnly && (
        <div>
          <Button
            appearance="primary"
            disabled={save.busy}
            onClick={() => {
              save.run();
            }}
          >
            Save alert settings
          </Button>
        </div>
      )}
    </section>
  );
}
