/**
 * Microsoft Graph change-notification subscriptions for channel messages, as documented:
 *
 * - `POST /v1.0/subscriptions` (https://learn.microsoft.com/graph/api/subscription-post-subscriptions):
 *   `changeType`, `notificationUrl`, `resource`, `expirationDateTime` required; before answering `201` with the
 *   subscription, Graph validates `notificationUrl` and `lifecycleNotificationUrl`: it POSTs
 *   `?validationToken=…` (`text/plain`, no body) to each and wants, within 10 seconds, `200`, `text/plain` and
 *   the decoded token (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation);
 *   otherwise `400` and no subscription.
 * - A channel-message subscription lives at most 4,320 minutes; one asked for more than an hour ahead needs a
 *   `lifecycleNotificationUrl`, else `400` "lifecycleNotificationUrl is a required property for subscription
 *   creation on this resource when the expirationDateTime value is set to greater than 1 hour."
 *   (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage,
 *   https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime).
 * - `PATCH /v1.0/subscriptions/{id}` with `expirationDateTime` renews (and reauthorizes) it: `200` and the
 *   subscription (https://learn.microsoft.com/graph/api/subscription-update). `DELETE` answers `204`.
 * - `POST /v1.0/subscriptions/{id}/reauthorize`, no body: `204` (https://learn.microsoft.com/graph/api/subscription-reauthorize).
 * - Past its expiry a subscription is gone: `404` to every call on it.
 * - Lifecycle notifications (https://learn.microsoft.com/graph/change-notifications-lifecycle-events) go to
 *   `lifecycleNotificationUrl` as `{"value": [{subscriptionId, subscriptionExpirationDateTime, tenantId,
 *   clientState, lifecycleEvent}]}`, with no resource; tests send them with `sendLifecycle`. A subscription
 *   told `reauthorizationRequired` pauses its notifications until it is reauthorized or renewed;
 *   `subscriptionRemoved` deletes it.
 *
 * The one liberty taken: Graph wants HTTPS notification URLs; the sandbox also takes plain HTTP on loopback,
 * where the tests serve the product.
 */
import { randomUUID } from "node:crypto";
import type { Context, Hono } from "hono";
import type { TeamsDataset } from "./dataset.ts";

/** Documented limits of a channel-message subscription. */
export const TEAMS_SUBSCRIPTION_LIMITS = {
  maxLifetimeMinutes: 4320,
  /** Beyond this, `lifecycleNotificationUrl` is required. */
  withoutLifecycleMinutes: 60,
  validationTimeoutMs: 10_000,
} as const;

export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";

export interface SandboxSubscription {
  id: string;
  resource: string;
  teamId: string;
  channelId: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expiresAt: number;
  createdAt: number;
  /** Set by a `reauthorizationRequired` event, cleared by reauthorize or a renewal. */
  needsReauthorization: boolean;
  renewals: number;
  reauthorizations: number;
}

export interface SandboxSubscriptionOptions {
  /** The clock subscriptions expire by (default the real one): tests move it instead of waiting. */
  clock?: () => number;
  /** A shorter longest lifetime than Graph's 4,320 minutes, for tests. */
  maxLifetimeMinutes?: number;
}

/** The subscriptions a sandbox holds, and what a test does to them. */
export class SandboxSubscriptions {
  readonly clock: () => number;
  readonly maxLifetimeMinutes: number;
  private readonly byId = new Map<string, SandboxSubscription>();
  /** Every validation request sent, for tests: the URL and what the endpoint answered. */
  readonly validations: Array<{ url: string; status: number; ok: boolean }> = [];

  constructor(
    private readonly data: TeamsDataset,
    options: SandboxSubscriptionOptions = {},
  ) {
    this.clock = options.clock ?? (() => Date.now());
    this.maxLifetimeMinutes = options.maxLifetimeMinutes ?? TEAMS_SUBSCRIPTION_LIMITS.maxLifetimeMinutes;
  }

  /** The live subscriptions (expired ones are dropped, as Graph drops them). */
  list(): SandboxSubscription[] {
    this.purge();
    return [...this.byId.values()];
  }

  get(id: string): SandboxSubscription | undefined {
    this.purge();
    return this.byId.get(id.toLowerCase());
  }

  add(sub: SandboxSubscription): void {
    this.byId.set(sub.id, sub);
  }

  delete(id: string): boolean {
    return this.byId.delete(id.toLowerCase());
  }

  private purge(): void {
    const now = this.clock();
    for (const [id, sub] of this.byId) if (sub.expiresAt <= now) this.byId.delete(id);
  }

  /**
   * Sends a lifecycle notification for `id` to its `lifecycleNotificationUrl`, as Graph does; answers the
   * status the endpoint gave. `subscriptionRemoved` deletes the subscription first.
   */
  async sendLifecycle(id: string, event: LifecycleEvent): Promise<number> {
    const sub = this.get(id);
    if (!sub) throw new Error(`no live subscription ${id}`);
    if (!sub.lifecycleNotificationUrl) throw new Error(`subscription ${id} has no lifecycleNotificationUrl`);
    if (event === "reauthorizationRequired") sub.needsReauthorization = true;
    if (event === "subscriptionRemoved") this.delete(id);
    const body = {
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
          tenantId: this.data.tenantId,
          clientState: sub.clientState,
          lifecycleEvent: event,
        },
      ],
    };
    const response = await fetch(sub.lifecycleNotificationUrl, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TEAMS_SUBSCRIPTION_LIMITS.validationTimeoutMs),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Graph's validation request to one URL: whether the endpoint echoed the token as documented. */
  async validate(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = new URL(url);
    target.searchParams.set("validationToken", token);
    let status = 0;
    let ok = false;
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        signal: AbortSignal.timeout(TEAMS_SUBSCRIPTION_LIMITS.validationTimeoutMs),
      });
      status = response.status;
      const text = await response.text();
      const type = response.headers.get("content-type") ?? "";
      ok = status === 200 && /^text\/plain\b/i.test(type) && text === token;
    } catch {
      ok = false;
    }
    this.validations.push({ url, status, ok });
    return ok;
  }
}

type GraphErrorFn = (c: Context, status: 400 | 401 | 403 | 404, code: string, message: string) => Response;

const isAllowedUrl = (value: unknown): value is string => {
  if (typeof value !== "string" || !URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname);
};

const RESOURCE = /^\/?teams\/([^/]+)\/channels\/([^/]+)\/messages$/i;

/** The subscription routes, on the sandbox's Graph app. */
export function registerSubscriptionRoutes(
  app: Hono,
  deps: {
    data: TeamsDataset;
    store: SandboxSubscriptions;
    requireChannelRead: (c: Context) => Response | null;
    graphError: GraphErrorFn;
  },
): void {
  const { data, store, graphError } = deps;

  const render = (c: Context, sub: SandboxSubscription) => ({
    "@odata.context": `${new URL(c.req.url).origin}/v1.0/$metadata#subscriptions/$entity`,
    id: sub.id,
    resource: sub.resource,
    applicationId: data.clientId,
    changeType: sub.changeType,
    clientState: sub.clientState,
    notificationUrl: sub.notificationUrl,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
    expirationDateTime: new Date(sub.expiresAt).toISOString(),
    creatorId: data.clientId,
    includeResourceData: false,
    latestSupportedTlsVersion: "v1_2",
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  });

  /** The expiry asked for, or the error to answer. */
  const expiryOf = (c: Context, raw: unknown, hasLifecycleUrl: boolean): number | Response => {
    const at = typeof raw === "string" ? Date.parse(raw) : Number.NaN;
    if (Number.isNaN(at)) {
      return graphError(c, 400, "InvalidRequest", "expirationDateTime is a required property.");
    }
    const now = store.clock();
    if (at <= now) {
      return graphError(c, 400, "InvalidRequest", "Subscription expiration must be in the future.");
    }
    if (at - now > store.maxLifetimeMinutes * 60_000) {
      return graphError(
        c,
        400,
        "InvalidRequest",
        `Subscription expiration can only be ${store.maxLifetimeMinutes} minutes in the future.`,
      );
    }
    if (!hasLifecycleUrl && at - now > TEAMS_SUBSCRIPTION_LIMITS.withoutLifecycleMinutes * 60_000) {
      return graphError(
        c,
        400,
        "InvalidRequest",
        "lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour.",
      );
    }
    return at;
  };

  const readJson = async (c: Context): Promise<Record<string, unknown> | null> => {
    try {
      const body = await c.req.json();
      return body && typeof body === "object" && !Array.isArray(body) ? body : null;
    } catch {
      return null;
    }
  };

  app.post("/v1.0/subscriptions", async (c) => {
    const denied = deps.requireChannelRead(c);
    if (denied) return denied;
    const body = await readJson(c);
    if (!body) return graphError(c, 400, "InvalidRequest", "The request body is not a subscription.");
    for (const name of ["changeType", "notificationUrl", "resource"] as const) {
      if (typeof body[name] !== "string" || body[name] === "") {
        return graphError(c, 400, "InvalidRequest", `${name} is a required property.`);
      }
    }
    const resource = String(body.resource);
    const m = RESOURCE.exec(resource);
    if (!m) {
      return graphError(c, 400, "InvalidRequest", `Resource '${resource}' is not supported.`);
    }
    const teamId = decodeURIComponent(m[1]!);
    const channelId = decodeURIComponent(m[2]!);
    const channel = [...data.channels.values()].find(
      (ch) => ch.teamId.toLowerCase() === teamId.toLowerCase() && ch.id === channelId,
    );
    if (!channel) return graphError(c, 404, "NotFound", `Channel ${channelId} not found in team ${teamId}.`);
    const changes = String(body.changeType).split(",");
    if (changes.some((t) => !["created", "updated", "deleted"].includes(t.trim()))) {
      return graphError(c, 400, "InvalidRequest", `Invalid changeType '${body.changeType}'.`);
    }
    if (body.includeResourceData === true && !body.encryptionCertificate) {
      return graphError(
        c,
        400,
        "InvalidRequest",
        "An encryptionCertificate is required when includeResourceData is true.",
      );
    }
    const lifecycleUrl = body.lifecycleNotificationUrl ?? null;
    for (const [name, value] of [
      ["notificationUrl", body.notificationUrl],
      ["lifecycleNotificationUrl", lifecycleUrl],
    ] as const) {
      if (value !== null && !isAllowedUrl(value)) {
        return graphError(c, 400, "InvalidRequest", `The ${name} must be an HTTPS URL.`);
      }
    }
    if (
      body.clientState !== undefined &&
      body.clientState !== null &&
      (typeof body.clientState !== "string" || body.clientState.length > 128)
    ) {
      return graphError(c, 400, "InvalidRequest", "clientState can be at most 128 characters.");
    }
    const expiresAt = expiryOf(c, body.expirationDateTime, lifecycleUrl !== null);
    if (expiresAt instanceof Response) return expiresAt;
    for (const url of [body.notificationUrl, lifecycleUrl]) {
      if (typeof url === "string" && !(await store.validate(url))) {
        return graphError(
          c,
          400,
          "InvalidRequest",
          `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request: ${url}`,
        );
      }
    }
    const sub: SandboxSubscription = {
      id: randomUUID(),
      resource,
      teamId: channel.teamId,
      channelId: channel.id,
      changeType: String(body.changeType),
      notificationUrl: String(body.notificationUrl),
      lifecycleNotificationUrl: typeof lifecycleUrl === "string" ? lifecycleUrl : null,
      clientState: typeof body.clientState === "string" ? body.clientState : null,
      expiresAt,
      createdAt: store.clock(),
      needsReauthorization: false,
      renewals: 0,
      reauthorizations: 0,
    };
    store.add(sub);
    return c.json(render(c, sub), 201);
  });

  const subscriptionOf = (c: Context): SandboxSubscription | Response => {
    const denied = deps.requireChannelRead(c);
    if (denied) return denied;
    const sub = store.get(c.req.param("id") ?? "");
    return sub ?? graphError(c, 404, "ResourceNotFound", "The object was not found.");
  };

  app.get("/v1.0/subscriptions/:id", (c) => {
    const sub = subscriptionOf(c);
    return sub instanceof Response ? sub : c.json(render(c, sub));
  });

  app.patch("/v1.0/subscriptions/:id", async (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    const body = await readJson(c);
    const expiresAt = expiryOf(c, body?.expirationDateTime, sub.lifecycleNotificationUrl !== null);
    if (expiresAt instanceof Response) return expiresAt;
    sub.expiresAt = expiresAt;
    sub.renewals++;
    // "Renewing your subscription also reauthorizes your endpoint."
    sub.needsReauthorization = false;
    return c.json(render(c, sub));
  });

  app.delete("/v1.0/subscriptions/:id", (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    store.delete(sub.id);
    return c.body(null, 204);
  });

  app.post("/v1.0/subscriptions/:id/reauthorize", (c) => {
    const sub = subscriptionOf(c);
    if (sub instanceof Response) return sub;
    sub.needsReauthorization = false;
    sub.reauthorizations++;
    return c.body(null, 204);
  });
}
