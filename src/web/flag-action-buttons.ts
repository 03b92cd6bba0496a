/** Each flag's action buttons, beside Snooze and Dismiss in a list row and on the task page. */
import { actionPreviewPath } from "../actions/action-links.ts";
import { ACTIONS_OF_KIND, type FlagActionName } from "../actions/action-types.ts";
import { ACTION_LABELS } from "../actions/plan-actions.ts";
import type { FlagKind } from "../model/kinds.ts";
import { escapeHtml } from "./escape-html.ts";

/** Whether an action can be done with the source's credentials, when known (from its preview). */
export interface ActionAvailability {
  action: FlagActionName;
  enabled: boolean;
  /** The scope or permission missing, as the source names it. */
  needs: string | null;
}

/** `?return=` of a preview link: the page the person came from, where the action sends them back. */
const withReturn = (path: string, here: string) => `${path}?return=${encodeURIComponent(here)}`;

/**
 * A flag's action buttons, as markup: links to each action's preview (a GET: nothing happens until the
 * preview's button is pressed). An action known to lack a scope is a disabled button that says which scope it
 * needs. A string, not an `html` template: every row of a list has them.
 */
export function flagActionButtons(props: {
  flagId: string;
  kind: FlagKind;
  /** The page the buttons are on. */
  here: string;
  /** What the task page knows from the flag's previews; a list does not ask the sources for every row. */
  availability?: readonly ActionAvailability[] | undefined;
}): string {
  let markup = "";
  for (const action of ACTIONS_OF_KIND[props.kind]) {
    const known = props.availability?.find((a) => a.action === action);
    const label = escapeHtml(ACTION_LABELS[action]);
    if (known && !known.enabled) {
      const needs = escapeHtml(known.needs ?? "a permission the credentials lack");
      markup += `<span class="act-off"><button type="button" class="act" disabled data-flag-action="${escapeHtml(action)}" title="Needs ${needs}">${label}</button> <span class="needs">needs <code>${needs}</code></span></span> `;
    } else {
      markup += `<a class="button act" data-flag-action="${escapeHtml(action)}" href="${escapeHtml(withReturn(actionPreviewPath(props.flagId, action), props.here))}">${label}</a> `;
    }
  }
  return markup;
}
