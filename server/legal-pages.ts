import type restify from 'restify';
import { STATIC_PAGE_CSP } from './security-headers.js';

/**
 * The privacy statement and terms of use the Teams manifest links to (`/privacy`, `/terms`). They describe what
 * this app does with a client's data; an MSP that deploys it adapts them to its own contracts.
 */
const pages: Readonly<Record<string, { title: string; body: string }>> = {
  '/privacy': {
    title: 'Privacy statement',
    body: `<p>Entra ID Manager keeps, for each client tenant an MSP connects, a copy of what Microsoft Graph returns
for its users (name, user principal name, mail, department, job title, account type and state), its groups and their
memberships, its enterprise applications, its users' MFA registration details and its sign-in events.</p>
<p>Sign-in events are kept for a configurable period (90 days by default) and then deleted; daily aggregates and each
user's last activity are kept for billing and reports. Removing a client's integration deletes everything read from
its tenant.</p>
<p>Client secrets are encrypted at rest (AES-256-GCM) and are never shown again, logged or returned by any API.
Every change an admin makes is written to an audit log (who, when, what, before and after).</p>
<p>No data is sent anywhere but to Microsoft Graph, Microsoft Entra ID and Microsoft Teams.</p>`,
  },
  '/terms': {
    title: 'Terms of use',
    body: `<p>Entra ID Manager is operated by your managed-service provider. Use it only for the tenants you are
authorised to manage. Excluding a group is irreversible by design; disabling a user stops the collection of their
activity and their billing until an admin imports them again.</p>
<p>The service is provided as is; your provider's contract with you governs availability and support.</p>`,
  },
};

/** Serves the static legal pages. */
export function mountLegalPages(server: restify.Server): void {
  for (const [route, page] of Object.entries(pages)) {
    server.get(route, (_req: restify.Request, res: restify.Response, next: restify.Next) => {
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${page.title} — Entra ID Manager</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style>
</head><body><h1>${page.title}</h1>${page.body}</body></html>`;
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'public, max-age=3600',
        'content-security-policy': STATIC_PAGE_CSP,
      });
      res.end(html);
      next();
    });
  }
}
