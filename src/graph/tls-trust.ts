import https from 'node:https';
import tls from 'node:tls';

/**
 * Whom outbound calls to Entra ID and Graph trust: Node's public roots, plus one extra certificate authority when
 * one is configured (the simulator's in demo mode, tests and benchmarks; a corporate proxy's). Without an extra CA
 * it adds nothing, and every caller keeps Node's defaults.
 *
 * With one, the trust is built once and shared. Given `ca`, `tls.connect` builds a new secure context for every
 * connection, adding each of the ~140 root certificates again (tens of milliseconds of CPU each time); given a
 * `secureContext` it reuses it ("If secureContext is not provided, one is created by passing the entire options
 * object to tls.createSecureContext()", https://nodejs.org/api/tls.html#tlsconnectoptions-callback). Certificates
 * are checked exactly as before: same roots plus the same CA, `rejectUnauthorized` left at its default (true).
 */
export class TlsTrust {
  private readonly extraCaPem: string | undefined;
  private context: tls.SecureContext | undefined;
  private agent: https.Agent | undefined;

  /** @param extraCaPem PEM of the extra CA to trust on top of the public roots; `undefined` for none. */
  constructor(extraCaPem: string | undefined) {
    this.extraCaPem = extraCaPem;
  }

  /** undici's `connect` options: nothing without an extra CA, else the shared secure context. */
  connectOptions(): { secureContext?: tls.SecureContext } {
    return this.extraCaPem === undefined ? {} : { secureContext: this.secureContext(this.extraCaPem) };
  }

  /**
   * Options for an `@azure/identity` credential: nothing without an extra CA; else `agent`, one keep-alive
   * `https.Agent` on the shared secure context for every credential, so token requests reuse both the context and
   * the connections (`TokenCredentialOptions.agent`, "Options for configuring Agent instance for outgoing requests",
   * https://learn.microsoft.com/en-us/javascript/api/@azure/identity/tokencredentialoptions). Its `tlsOptions` would
   * not do: they accept only `ca`, `cert`, `key`, `passphrase` and `pfx`, so each new connection would build its
   * context from the ~140 roots again, and each credential would get an agent of its own.
   */
  credentialOptions(): { agent?: https.Agent } {
    if (this.extraCaPem === undefined) return {};
    this.agent ??= new https.Agent({ keepAlive: true, secureContext: this.secureContext(this.extraCaPem) });
    return { agent: this.agent };
  }

  /** Closes the idle connections the credentials' agent keeps (it stays usable). */
  close(): void {
    this.agent?.destroy();
  }

  private secureContext(extraCaPem: string): tls.SecureContext {
    this.context ??= tls.createSecureContext({ ca: [...tls.rootCertificates, extraCaPem] });
    return this.context;
  }
}
