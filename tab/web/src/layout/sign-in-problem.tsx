import {
  Body1,
  Button,
  Card,
  CardHeader,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Subtitle1,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { TeamsSession } from '../teams/teams-session.js';

const useStyles = makeStyles({
  wrap: { display: 'grid', placeItems: 'center', minHeight: '60vh', padding: tokens.spacingHorizontalXXL },
  card: { maxWidth: '560px', gap: tokens.spacingVerticalM },
});

/**
 * Shown when the host could not sign the person in silently (SSO): the reason, a button that opens the consent
 * window (the documented fallback), and — when that fails too — what to ask an administrator.
 * https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-troubleshooting
 */
export function SignInProblem(props: {
  readonly session: TeamsSession;
  readonly reason: string;
  readonly onSignedIn: () => void;
}) {
  const styles = useStyles();
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();

  // Called straight from the click: the host opens the consent window only for a user gesture.
  const signIn = (): void => {
    setWorking(true);
    setFailure(undefined);
    props.session.signInWithConsent().then(
      () => {
        setWorking(false);
        props.onSignedIn();
      },
      (error: unknown) => {
        setWorking(false);
        setFailure(error instanceof Error ? error.message : String(error));
      },
    );
  };

  return (
    <main className={styles.wrap}>
      <Card className={styles.card} data-testid="sign-in-problem">
        <CardHeader header={<Subtitle1 as="h1">Sign in to Identity Manager</Subtitle1>} />
        <Body1>
          {props.session.host.name} could not sign you in on its own ({props.reason}). Usually you have not
          yet allowed Identity Manager to use your account: sign in once and accept.
        </Body1>
        <div>
          <Button appearance="primary" onClick={signIn} disabled={working}>
            {working ? 'Waiting for the sign-in window…' : 'Sign in'}
          </Button>
        </div>
        {failure !== undefined && (
          <MessageBar intent="error" layout="multiline" role="alert">
            <MessageBarBody>
              <MessageBarTitle>Sign-in did not complete</MessageBarTitle>
              {failure}. If your organisation lets only administrators approve apps, ask a Global
              Administrator to grant admin consent to Entra ID Manager (Entra admin center → Enterprise
              applications → Entra ID Manager → Permissions → Grant admin consent), then open this tab again.
            </MessageBarBody>
          </MessageBar>
        )}
      </Card>
    </main>
  );
}
