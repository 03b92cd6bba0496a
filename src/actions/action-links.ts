import type { FlagActionName } from "./action-types.ts";

/**
 * `/flags/<id>/actions/<action>`: the action's preview page, where nothing is done until the person presses
 * its button. The web view's buttons and the digest's links go there.
 */
export const actionPreviewPath = (flagId: string, action: FlagActionName) =>
  `/flags/${encodeURIComponent(flagId)}/actions/${action}`;
