import fs from 'node:fs';
import net from 'node:net';

/**
 * A TCP port free on loopback right now, for a child process that must be told its port before it starts (its public
 * address goes into redirect URIs, or a client is pointed at it).
 *
 * The usual trick, `listen(0)` then close, hands back a port from the kernel's ephemeral range — the same range the
 * kernel draws from for every other `listen(0)` and every outgoing connection's local port. With three test files
 * running side by side (mocha --parallel), another file's connection took such a port between the pick and the child's
 * `listen`, and the server died with EADDRINUSE. So the pick is random *below* the ephemeral range
 * (`/proc/sys/net/ipv4/ip_local_port_range`, https://docs.kernel.org/networking/ip-sysctl.html), where the kernel
 * never hands out ports on its own; only another pick from here, or a service listening there, can hold it, and the
 * probe `listen` skips those.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free TCP port between ${String(LOWEST)} and ${String(below - 1)} after 100 tries`);
}

/** Clear of the well-known and most registered services' ports (PostgreSQL 5432, Redis 6379, RabbitMQ 5672…). */
const LOWEST = 10_000;

function ephemeralRangeStart(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const value = Number(low);
    if (Number.isInteger(value) && value > LOWEST + 1000) return value;
  } catch {
    // Not Linux: the IANA dynamic range starts at 49152; macOS and Windows use it.
  }
  return 49_152;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}
