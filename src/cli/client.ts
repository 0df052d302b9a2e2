import http from 'node:http';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { type Config, loadConfig } from '../server/config.js';
import { readLock } from '../server/db/lock.js';
import { buildHttpApp, type VaernApp } from '../server/http/app.js';
import { openRuntime, type Runtime } from '../server/runtime.js';
import { CliError } from './errors.js';

export interface Response {
  status: number;
  body: unknown;
}

/**
 * How the CLI reaches the application layer: the same operator routes either over a running
 * server's Unix socket or in this process (app.inject), never around them.
 */
export interface Client {
  mode: 'socket' | 'in-process';
  /** In-process only: the runtime, for commands that need the database itself (restore). */
  runtime: Runtime | undefined;
  request(method: string, url: string, body?: unknown): Promise<Response>;
  upload(url: string, body: Readable, contentType: string): Promise<Response>;
  /** Streams a response body (backups) to the caller. */
  download(url: string): Promise<Readable>;
  close(): Promise<void>;
}

/** Throws the problem's title as a CLI error when the status is not 2xx. */
export function expectOk<T>(response: Response): T {
  if (response.status >= 200 && response.status < 300) return response.body as T;
  const p = response.body as
    | { title?: string; errors?: Array<{ path: string; message: string }> }
    | undefined;
  const extra = p?.errors?.length ? `\n${p.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}` : '';
  throw new CliError(`${p?.title ?? `request failed with status ${response.status}`}${extra}`, p);
}

/** The OS user running the CLI, recorded as the operator in the audit trail. */
function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

function parse(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function socketClient(socket: string): Client {
  const send = (method: string, url: string, body: Readable | string | undefined, contentType?: string) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string> = { 'x-vaern-operator': operatorName() };
      if (contentType) headers['content-type'] = contentType;
      const req = http.request({ socketPath: socket, path: url, method, headers }, resolve);
      req.on('error', (error) =>
        reject(new CliError(`cannot reach the running server on ${socket}: ${(error as Error).message}`)),
      );
      if (typeof body === 'string') req.end(body);
      else if (body) body.pipe(req);
      else req.end();
    });
  const collect = async (res: http.IncomingMessage): Promise<Response> => {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return {
      status: res.statusCode ?? 0,
      body: parse(Buffer.concat(chunks).toString('utf8'), res.headers['content-type']),
    };
  };
  return {
    mode: 'socket',
    runtime: undefined,
    async request(method, url, body) {
      const json = body === undefined ? undefined : JSON.stringify(body);
      return collect(await send(method, url, json, json === undefined ? undefined : 'application/json'));
    },
    async upload(url, body, contentType) {
      return collect(await send('POST', url, body, contentType));
    },
    async download(url) {
      const res = await send('GET', url, undefined);
      if ((res.statusCode ?? 0) >= 300) expectOk(await collect(res));
      return res;
    },
    async close() {},
  };
}

async function inProcessClient(config: Config): Promise<Client> {
  const runtime = await openRuntime(config, { role: 'cli' });
  let app: VaernApp;
  try {
    app = await buildHttpApp(runtime.ctx, { operator: true });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const toResponse = (r: {
    statusCode: number;
    body: string;
    headers: Record<string, unknown>;
  }): Response => ({
    status: r.statusCode,
    body: parse(r.body, String(r.headers['content-type'] ?? '')),
  });
  return {
    mode: 'in-process',
    runtime,
    async request(method, url, body) {
      const r = await app.inject({
        method: method as 'GET',
        url,
        headers: { 'x-vaern-operator': operatorName() },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return toResponse(r);
    },
    async upload(url, body, contentType) {
      return toResponse(
        await app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': contentType } }),
      );
    },
    async download(url) {
      const r = await app.inject({
        method: 'GET',
        url,
        payloadAsStream: true,
        headers: { 'x-vaern-operator': operatorName() },
      });
      if (r.statusCode >= 300) {
        const chunks: Buffer[] = [];
        for await (const c of r.stream()) chunks.push(c as Buffer);
        expectOk({ status: r.statusCode, body: parse(Buffer.concat(chunks).toString('utf8'), 'json') });
      }
      return r.stream();
    },
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

/**
 * Embedded: a live server holding the data directory → its socket; otherwise this process takes
 * the lock and opens the database itself. Server mode (DATABASE_URL): always in-process.
 */
export async function connect(config: Config = loadConfig()): Promise<Client> {
  if (config.mode === 'embedded') {
    const holder = readLock(config.dataDir);
    if (holder?.socket) return socketClient(holder.socket);
  }
  return inProcessClient(config);
}
