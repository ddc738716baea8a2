/**
 * The container's health check (Dockerfile HEALTHCHECK): asks this instance's `/healthz` on the loopback address
 * and exits 0 when it answers 200 (status `ok` or `degraded`), 1 otherwise — the store unreachable (503), the server
 * not listening, or no answer within 4 s. Plain Node, so the image needs no curl.
 */
const port = process.env.PORT ?? '3978';

async function check(): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4_000) });
    const body = (await response.json()) as { status?: unknown };
    process.stdout.write(`${String(response.status)} ${String(body.status)}\n`);
    return response.status === 200 ? 0 : 1;
  } catch (error) {
    process.stdout.write(`unhealthy: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await check();
