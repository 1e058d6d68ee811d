/**
 * A deliberately minimal MIME reader for the local mail catcher and the tests. Why not a library:
 * nodemailer has no parser, and `mailparser` cannot be installed here (one of its dependency versions is
 * missing from the registry). The messages we read are the ones nodemailer writes: headers (folded,
 * RFC 2047 encoded words), a text/plain body or multipart/alternative (text + html), 7bit,
 * quoted-printable or base64. Attachments are listed by content type, never decoded.
 */

export interface ParsedMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  date: string | undefined;
  messageId: string | undefined;
  /** Lower-case header name → value (decoded, unfolded; the last one wins). */
  headers: Record<string, string>;
  text: string;
  html: string | undefined;
  /** Content types of the parts that are neither the text nor the html body. */
  attachments: string[];
}

function splitHeadBody(raw: string): [string, string] {
  const match = /\r?\n\r?\n/.exec(raw);
  return match ? [raw.slice(0, match.index), raw.slice(match.index + match[0].length)] : [raw, ''];
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

function bytesToText(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function qpBytes(text: string, underscoreIsSpace: boolean): Uint8Array {
  const source = underscoreIsSpace ? text.replace(/_/g, ' ') : text.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const hex = source.slice(i + 1, i + 3);
    if (source[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(...new TextEncoder().encode(source[i]));
    }
  }
  return Uint8Array.from(out);
}

/** RFC 2047: `=?UTF-8?Q?...?=` and `=?UTF-8?B?...?=`, adjacent words joined without the space between. */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset: string, encoding: string, data: string) =>
      bytesToText(encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data, true), charset),
    );
}

function param(header: string | undefined, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeBody(body: string, headers: Record<string, string>): string {
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const charset = param(headers['content-type'], 'charset');
  if (encoding === 'quoted-printable') return bytesToText(qpBytes(body, false), charset);
  if (encoding === 'base64') return bytesToText(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
  return body;
}

interface Leaf {
  type: string;
  headers: Record<string, string>;
  body: string;
}

function leaves(headers: Record<string, string>, body: string, depth = 0): Leaf[] {
  const type = (headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
  const boundary = param(headers['content-type'], 'boundary');
  if (!type.startsWith('multipart/') || !boundary || depth > 5) return [{ type, headers, body }];
  const parts = body.split(
    new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`),
  );
  return parts
    .slice(1, -1)
    .filter((part) => part.trim() !== '')
    .flatMap((part) => {
      const [head, partBody] = splitHeadBody(part);
      return leaves(parseHeaders(head), partBody, depth + 1);
    });
}

function addresses(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((one) => (/<([^>]+)>/.exec(one)?.[1] ?? one).trim())
    .filter(Boolean);
}

export function parseMail(raw: string): ParsedMail {
  const [head, body] = splitHeadBody(raw);
  const headers = parseHeaders(head);
  const parts = leaves(headers, body);
  const textPart = parts.find(
    (p) => p.type === 'text/plain' && !/attachment/i.test(p.headers['content-disposition'] ?? ''),
  );
  const htmlPart = parts.find(
    (p) => p.type === 'text/html' && !/attachment/i.test(p.headers['content-disposition'] ?? ''),
  );
  return {
    from: headers.from ?? '',
    to: addresses(headers.to),
    cc: addresses(headers.cc),
    subject: headers.subject ?? '',
    date: headers.date,
    messageId: headers['message-id'],
    headers,
    text: textPart ? decodeBody(textPart.body, textPart.headers).replace(/\r\n/g, '\n') : '',
    html: htmlPart ? decodeBody(htmlPart.body, htmlPart.headers) : undefined,
    attachments: parts.filter((p) => p !== textPart && p !== htmlPart).map((p) => p.type),
  };
}
