import { Body1, Spinner } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ApiClient } from './api/api-client.js';
import type { TeamsSession } from './teams/teams-session.js';

interface Me {
  readonly name: string | null;
  readonly isPartnerAdmin: boolean;
}

export function App({ session, api }: { readonly session: TeamsSession; readonly api: ApiClient }) {
  const [me, setMe] = useState<Me | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.get<Me>('/me').then(setMe, (e: unknown) => {
      setError(String(e));
    });
  }, [api]);
  if (error !== undefined) return <Body1>{error}</Body1>;
  if (me === undefined) return <Spinner label="Loading…" />;
  return (
    <Body1 data-testid="whoami">
      {me.name} {String(me.isPartnerAdmin)} {session.frameContext}
    </Body1>
  );
}
