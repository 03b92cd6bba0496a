import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { jiraConnector } from "../../connectors/jira/index.ts";
import {
  type ActionHandler,
  type Connector,
  ConnectorError,
  errorKindOfStatus,
} from "../../connectors/types.ts";

/**
 * A tiny tracker that keeps comments over HTTP, and a real `Connector` whose `actions` handler writes to it:
 * the service's tests need a source that can fail at chosen points, not any vendor's shapes (the connectors'
 * own tests use the sandbox servers). Each comment carries its action id, as a real write hides it.
 */
export interface WriteServer {
  url: string;
  comments: Array<{ id: string; taskKey: string; text: string; actionId: string; people: string[] }>;
  /** Every request, `METHOD path`. */
  requests: string[];
  /** The next comment answers 503, after saving it or before. */
  failNext: "after" | "before" | null;
  /** The next comment answers this status (403, 404…) without saving it. */
  refuseNext: number | null;
  /** What `access` reports: the scopes the token has. */
  scopes: string[];
  close(): Promise<void>;
}

export async function startWriteServer(): Promise<WriteServer> {
  const state: Omit<WriteServer, "url" | "close"> = {
    comments: [],
    requests: [],
    failNext: null,
    refuseNext: null,
    scopes: ["write:comment", "write:issue"],
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      state.requests.push(`${req.method} ${url.pathname}`);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      };
      if (req.method === "GET" && url.pathname === "/access") return send(200, { scopes: state.scopes });
      if (req.method === "GET" && url.pathname === "/comments") {
        return send(
          200,
          state.comments.filter((c) => c.actionId === url.searchParams.get("actionId")),
        );
      }
      if (req.method === "POST" && url.pathname === "/comments") {
        if (state.refuseNext) {
          const status = state.refuseNext;
          state.refuseNext = null;
          return send(status, {
            message: status === 403 ? "the token lacks write:comment" : "no such issue",
          });
        }
        const fail = state.failNext;
        state.failNext = null;
        if (fail === "before") return send(503, { message: "unavailable" });
        const input = JSON.parse(body) as {
          taskKey: string;
          text: string;
          actionId: string;
          people: string[];
        };
        const comment = { id: `c${state.comments.length + 1}`, ...input };
        state.comments.push(comment);
        if (fail === "after") return send(503, { message: "unavailable" });
        return send(201, comment);
      }
      send(404, { message: "no route" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface TestSettings {
  url: string;
}

async function call(settings: TestSettings, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${settings.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json: unknown = await res.json();
  if (!res.ok) {
    const message = (json as { message?: string }).message ?? "";
    throw new ConnectorError(
      "jira",
      errorKindOfStatus(res.status),
      `${res.status} from ${path}: ${message}`,
      {
        status: res.status,
      },
    );
  }
  return json;
}

const toResult = (c: { id: string }, settings: TestSettings) => ({
  externalId: c.id,
  url: `${settings.url}/comments/${c.id}`,
});

const handler: ActionHandler<TestSettings> = {
  kinds: ["comment", "reply"],
  async access({ settings }) {
    const { scopes } = (await call(settings, "GET", "/access")) as { scopes: string[] };
    const comment = scopes.includes("write:comment")
      ? ({ allowed: true, account: "Threadline bot" } as const)
      : ({ allowed: false, needs: "write:comment" } as const);
    return { comment, reply: comment };
  },
  async find(request) {
    const found = (await call(
      request.settings,
      "GET",
      `/comments?actionId=${encodeURIComponent(request.actionId)}`,
    )) as Array<{ id: string }>;
    return found[0] ? toResult(found[0], request.settings) : null;
  },
  async write(request) {
    const comment = (await call(request.settings, "POST", "/comments", {
      taskKey: request.target.taskKey,
      text: request.text,
      actionId: request.actionId,
      people: request.people.map((p) => p.externalId),
    })) as { id: string };
    return toResult(comment, request.settings);
  },
};

/** Jira as the registry has it, writing to the test server. */
export const writingJira = { ...jiraConnector, actions: handler } as unknown as Connector;
