import {
  Body1,
  Card,
  Dropdown,
  Field,
  Option,
  Subtitle1,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../app-context.js';

const useStyles = makeStyles({
  card: { maxWidth: '560px', padding: tokens.spacingHorizontalXL, gap: tokens.spacingVerticalM },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * The channel tab's configuration page: pick the one client this tab shows. Teams enables its Save button once a
 * client is chosen (`setValidityState`) and calls back on save, where the tab's entity id and URL are set.
 */
export function ConfigureScreen() {
  const styles = useStyles();
  const { api, me, session } = useApp();
  const [clientId, setClientId] = useState<string | undefined>(
    me.clients.length === 1 ? me.clients[0]?.id : undefined,
  );
  const chosen = useRef<string | undefined>(clientId);
  chosen.current = clientId;

  useEffect(() => {
    session.config.onSave(async () => {
      const client = me.clients.find((candidate) => candidate.id === chosen.current);
      if (client === undefined) throw new Error('Choose a client first.');
      // Remembered first, so that the bot's cards in this channel or chat open this tab (their deep links name it).
      if (session.place !== undefined) {
        await api.post(`/clients/${encodeURIComponent(client.id)}/tabs`, session.place);
      }
      return {
        entityId: `client:${client.id}`,
        contentUrl: `${window.location.origin}/tab/index.html#/c/${encodeURIComponent(client.name)}/users`,
        suggestedDisplayName: `${client.displayName} identities`,
      };
    });
  }, [api, me.clients, session]);

  useEffect(() => {
    session.config.setValid(clientId !== undefined);
  }, [clientId, session]);

  const selected = me.clients.find((candidate) => candidate.id === clientId);
  return (
    <Card className={styles.card}>
      <Subtitle1 as="h1">Show one client in this channel</Subtitle1>
      <Body1 className={styles.muted}>
        The tab shows the chosen client&apos;s users, groups, reports and sync status to everyone in the
        channel who has a role on that client. Others see nothing.
      </Body1>
      {me.clients.length === 0 ? (
        <Body1>You have no client you may see yet. Ask your partner admin for a role on one.</Body1>
      ) : (
        <Field label="Client" required>
          <Dropdown
            placeholder="Choose a client"
            value={selected?.displayName ?? ''}
            selectedOptions={clientId === undefined ? [] : [clientId]}
            onOptionSelect={(_event, data) => {
              setClientId(data.optionValue);
            }}
          >
            {me.clients.map((client) => (
              <Option key={client.id} value={client.id} text={client.displayName}>
                {client.displayName}
              </Option>
            ))}
          </Dropdown>
        </Field>
      )}
      {selected !== undefined && (
        <Body1 role="status">
          Press <strong>Save</strong> to add the tab for <strong>{selected.displayName}</strong>.
        </Body1>
      )}
    </Card>
  );
}

/**
 * Loaded by Teams when the channel tab is being removed (frame context `remove`): forgets where it was, so the bot's
 * cards there link to the personal tab again.
 */
export function RemoveTabScreen({ clientId }: { readonly clientId: string }) {
  const { api, session } = useApp();
  useEffect(() => {
    session.config.onRemove(async () => {
      if (session.place !== undefined) {
        await api.delete(`/clients/${encodeURIComponent(clientId)}/tabs`, { id: session.place.id });
      }
    });
  }, [api, clientId, session]);
  return <Body1>Removing this tab does not change anything in the client&apos;s directory.</Body1>;
}
