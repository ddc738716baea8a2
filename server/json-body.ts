import type { IncomingMessage } from 'node:http';
import { AppError } from '../src/shared/errors.js';

/** How deep a JSON body may nest: far more than any request of ours, far less than what exhausts a stack. */
const MAX_DEPTH = 64;

/**
 * Reads a request's JSON body, bounded (DESIGN §9: bodies limited before authentication — the callers read it only
 * after the request's credentials were checked): at most `maxBytes` (a longer `Content-Length` is refused unread),
 * `application/json` only (so a cross-site form post is never a valid request), no content encoding (no zip bombs),
 * nesting at most 64 deep. Returns undefined for a request without a body. How long the body may take is bounded by
 * the server's request timeout.
 * @throws {AppError} `body_too_large` (413), `unsupported_media_type` (415), `invalid_body` (400)
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = request.headers['content-length'];
  const chunked = request.headers['transfer-encoding'] !== undefined;
  if (!chunked && (declared === undefined || declared === '0')) return undefined;
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new AppError('unsupported_media_type', 'Send the body without a content encoding.', {
      status: 415,
    });
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json') {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.', { status: 415 });
  }
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks, length).toString('utf8');
  if (text.trim() === '') return undefined;
  if (nestingDepth(text) > MAX_DEPTH) {
    throw new AppError('invalid_body', `The request body nests deeper than ${MAX_DEPTH} levels.`, {
      status: 400,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('invalid_body', 'The request body is not valid JSON.', {
      status: 400,
      details: { reason: error instanceof Error ? error.message.slice(0, 200) : 'unparseable' },
    });
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('body_too_large', `The request body is larger than ${maxBytes} bytes.`, {
    status: 413,
    details: { maxBytes },
  });
}

/** The deepest nesting of `[`/`{` outside strings (a scan, no recursion). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
