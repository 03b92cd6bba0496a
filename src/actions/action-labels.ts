/**
 * The words of each action's button, where no preview has been made yet (an inbox row, a digest entry). The
 * preview's own `label` says the same.
 */
import type { FlagActionName } from "./action-types.ts";

export const ACTION_LABELS: Readonly<Record<FlagActionName, string>> = {
  record: "Record on the task",
  nudge: "Nudge",
  "request-review": "Ask for review",
  assign: "Assign",
  "confirm-deployed": "Confirm deployed",
  reopen: "Reopen",
  chase: "Chase",
};

/** `/flags/<id>/actions/<action>`: the action's preview page, where nothing is done until the person says so. */
export const actionPreviewPath = (flagId: string, action: FlagActionName) =>
  `/flags/${encodeURIComponent(flagId)}/actions/${action}`;
