/** How long the Teams connector's subscriptions live and when they are renewed (no SDK here). */
export interface TeamsSubscriptionOptions {
  /** How long a subscription is asked for (default 70 hours, under Graph's 72). */
  lifetimeMs?: number;
  /** Renew when less than this is left (default 12 hours: many scheduler ticks to get it done). */
  renewWithinMs?: number;
}

export const DEFAULT_SUBSCRIPTION_OPTIONS: Required<TeamsSubscriptionOptions> = {
  lifetimeMs: 70 * 3_600_000,
  renewWithinMs: 12 * 3_600_000,
};
