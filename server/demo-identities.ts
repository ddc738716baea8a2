/**
 * Demo mode only: the people who use the app locally — in the Agents Playground (bot) and in the local Teams host
 * page (tab). They belong to a made-up MSP tenant; the composition root seeds their roles when it starts in demo
 * mode, so a local run shows every role: a partner admin, a client admin of the `demo` client, a viewer of it,
 * and someone with no role at all (whose clicks are refused).
 */
export const DEMO_MSP_TENANT_ID = '9f3c2a10-5b7e-4d21-9a6c-1e2f3a4b5c6d';

/**
 * The Teams app id in demo mode (TEAMS_APP_ID unset): the cards' deep links name it, and the local Teams host
 * follows deep links for this app.
 */
export const DEMO_TEAMS_APP_ID = '7d1e3c5a-9b2f-4e6d-8c0a-1f2e3d4c5b6a';

export interface DemoIdentity {
  readonly tenantId: string;
  readonly objectId: string;
  readonly upn: string;
  readonly displayName: string;
  /** The role seeded for them; `none` = no role (every action refused). */
  readonly role: 'partner_admin' | 'client_admin' | 'viewer' | 'none';
}

export const demoIdentities = {
  partnerAdmin: {
    tenantId: DEMO_MSP_TENANT_ID,
    objectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000001',
    upn: 'megan.partner@msp-demo.onmicrosoft.com',
    displayName: 'Megan Partner',
    role: 'partner_admin',
  },
  clientAdmin: {
    tenantId: DEMO_MSP_TENANT_ID,
    objectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000002',
    upn: 'adele.client@msp-demo.onmicrosoft.com',
    displayName: 'Adele Client',
    role: 'client_admin',
  },
  viewer: {
    tenantId: DEMO_MSP_TENANT_ID,
    objectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000003',
    upn: 'victor.viewer@msp-demo.onmicrosoft.com',
    displayName: 'Victor Viewer',
    role: 'viewer',
  },
  outsider: {
    tenantId: DEMO_MSP_TENANT_ID,
    objectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000004',
    upn: 'olga.outsider@msp-demo.onmicrosoft.com',
    displayName: 'Olga Outsider',
    role: 'none',
  },
} as const satisfies Record<string, DemoIdentity>;
