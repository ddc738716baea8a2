/**
 * Connects the REAL client libraries to a simulator in this process: `ClientSecretCredential` trusts the
 * simulator's CA through `tlsOptions.ca`, and the Graph client (which uses global fetch) through an undici Agent
 * passed as `fetchOptions.dispatcher`. Nothing here touches process-wide TLS settings.
 */
import os from 'node:os';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { Client, type ClientOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import {
  Agent,
  fetch as undiciFetch,
  type RequestInit as UndiciRequestInit,
  type Response as UndiciResponse,
} from 'undici';
import type { Simulator, SimTenant } from '../../../sim/index.js';

/** One data folder for every simulator the tests start: the CA is created once and reused. */
export const SIM_TEST_DATA_DIR = path.join(os.tmpdir(), 'entra-graph-sim-tests');

export interface GraphConnection {
  readonly credential: ClientSecretCredential;
  readonly client: Client;
  readonly dispatcher: Agent;
  /** Raw HTTPS to the simulator (undici's fetch with the CA-trusting agent). */
  fetch(url: string, init?: UndiciRequestInit): Promise<UndiciResponse>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** A credential for the tenant's first registered app (or the ids given), trusting the simulator's CA. */
export function credentialFor(
  simulator: Simulator,
  tenant: SimTenant,
  options: ConnectOptions = {},
): ClientSecretCredential {
  const app = tenant.registeredApps()[0];
  return new ClientSecretCredential(
    options.tenantId ?? tenant.tenantId,
    options.clientId ?? app?.clientId ?? '',
    options.clientSecret ?? app?.clientSecret ?? '',
    {
      authorityHost: simulator.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: simulator.caCertPem },
    },
  );
}

export function connectGraph(
  simulator: Simulator,
  tenant: SimTenant,
  options: ConnectOptions = {},
): GraphConnection {
  const credential = credentialFor(simulator, tenant, options);
  const dispatcher = new Agent({ connect: { ca: simulator.caCertPem } });
  const clientOptions: ClientOptions = {
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: ['https://graph.microsoft.com/.default'],
    }),
    baseUrl: simulator.graphBaseUrl,
    customHosts: new Set([simulator.graphHostName]),
    // graph-client passes fetchOptions to Node's global fetch, which takes an undici dispatcher; its typings
    // (lib.dom RequestInit) do not know that member, hence the cast.
    fetchOptions: { dispatcher } as unknown as NonNullable<ClientOptions['fetchOptions']>,
  };
  return {
    credential,
    client: Client.initWithMiddleware(clientOptions),
    dispatcher,
    fetch: (url, init = {}) => undiciFetch(url, { ...init, dispatcher }),
    close: () => dispatcher.close(),
  };
}

/** A Graph collection page. */
export interface Page<T = Record<string, unknown>> {
  readonly value: T[];
  readonly '@odata.nextLink'?: string;
  readonly '@odata.deltaLink'?: string;
  readonly '@odata.count'?: number;
}

/** Follows nextLinks to the end; returns every item and the final deltaLink if any. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the item shape it expects from Graph
export async function readAll<T = Record<string, unknown>>(
  client: Client,
  firstUrl: string,
  configure: (request: ReturnType<Client['api']>) => ReturnType<Client['api']> = (r) => r,
): Promise<{ items: T[]; pages: number; deltaLink: string | undefined }> {
  const items: T[] = [];
  let page = (await configure(client.api(firstUrl)).get()) as Page<T>;
  let pages = 1;
  items.push(...page.value);
  while (page['@odata.nextLink'] !== undefined) {
    page = (await client.api(page['@odata.nextLink']).get()) as Page<T>;
    pages++;
    items.push(...page.value);
  }
  return { items, pages, deltaLink: page['@odata.deltaLink'] };
}

/** Graph errors as graph-client throws them. */
export interface GraphClientError {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly requestId: string | null;
  readonly headers?: Headers;
}

export function isGraphError(error: unknown): error is GraphClientError {
  return typeof error === 'object' && error !== null && 'statusCode' in error && 'code' in error;
}
