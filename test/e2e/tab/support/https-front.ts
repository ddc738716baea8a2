import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateTls } from '../../../../sim/tls.js';

/** An https address in front of the app's plain-http server, as a hosting platform's TLS front would be. */
export interface HttpsFront {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listens on https (a certificate for 127.0.0.1 from the simulator's own throwaway CA, which the test browser is told
 * to accept) and passes every request on to `target`. Teams hosts load tabs over https only, and teams-js opens a
 * sign-in window only for an https page, so the flows that need it are tested behind this front.
 */
export async function startHttpsFront(port: number, target: string): Promise<HttpsFront> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-https-front-'));
  const tls = await loadOrCreateTls(dir);
  const upstream = new URL(target);
  const server = https.createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `https://127.0.0.1:${String((server.address() as net.AddressInfo).port)}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
