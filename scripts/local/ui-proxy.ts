/**
 * The Temporal UI of `npm start`, with the codec server on the UI's own origin: the one step an
 * operator takes to read decrypted payloads is to sign in to the pages (docs/pages.md).
 *
 * Why: the dev server's UI calls its codec endpoint without credentials unless each operator ticks
 * "Include cross-origin credentials" in the browser (`temporal server start-dev` sets only the endpoint;
 * its UI server takes no `codec.includeCredentials` or `passAccessToken` option), and it sends an access
 * token only behind its own OIDC login, which the dev UI has not. A fetch to the page's own origin
 * carries the browser's cookies by default, and cookies belong to a host, not a port: the pages'
 * sign-in cookie set by the API on `localhost` reaches `localhost:<ui port>/decode`. So this small
 * proxy listens on the UI's port, sends the codec routes (`/decode`, `/encode`) to the API, and
 * everything else to the dev server's UI on a private port; the UI's codec endpoint is its own origin.
 * The codec server still decides per incident who reads what (api/codec-access.ts).
 *
 * Production has no proxy: the Temporal UI is configured with `codec.passAccessToken` (the IdP's access
 * token, which the API accepts) or `codec.includeCredentials` (docs/deployment.md).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { pipeline } from 'node:stream';

export const CODEC_ROUTES = ['/decode', '/encode'];

export interface UiProxy {
  url: string;
  close(): Promise<void>;
}

function forward(incoming: IncomingMessage, response: ServerResponse, target: { host: string; port: number }): void {
  const upstream = httpRequest(
    { host: target.host, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      // pipeline: a browser that goes away (a navigation) ends the upstream exchange too.
      pipeline(answer, response, () => undefined);
    },
  );
  upstream.on('error', () => {
    if (response.headersSent) return void response.destroy();
    response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('the Temporal UI or the API behind this port did not answer');
  });
  response.on('close', () => upstream.destroy());
  pipeline(incoming, upstream, () => undefined);
}

/** Listens on `host:port`; the UI is at 127.0.0.1:`uiPort`, the API at 127.0.0.1:`apiPort`. */
export async function startUiProxy(options: {
  host: string;
  port: number;
  uiPort: number;
  apiPort: number;
}): Promise<UiProxy> {
  const server: Server = createServer((incoming, response) => {
    const path = (incoming.url ?? '/').split('?')[0]!;
    const toApi = CODEC_ROUTES.includes(path);
    forward(incoming, response, { host: '127.0.0.1', port: toApi ? options.apiPort : options.uiPort });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => resolve());
  });
  return {
    url: `http://${options.host === '127.0.0.1' ? 'localhost' : options.host}:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser's open connections would hold npm start's Ctrl-C up.
        server.closeAllConnections();
      }),
  };
}
