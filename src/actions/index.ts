/**
 * Acting on a flag: what the web view, the API and the digest's links use. See docs/actions.md.
 */

export { loadTaskActions } from "../store/flag-actions.ts";
export type {
  ActionOutcome,
  ActionPreview,
  ActionState,
  FlagActionName,
  PlannedWrite,
  TaskAction,
} from "./action-types.ts";
export { ACTIONS_OF_KIND, FLAG_ACTIONS } from "./action-types.ts";
export { ACTION_LABELS } from "./plan-actions.ts";
export {
  type ActionCaller,
  type ActionDeps,
  ActionError,
  type ActionInput,
  listFlagActions,
  loadFlagActionOutcomes,
  previewFlagAction,
  type RunActionRequest,
  runFlagAction,
} from "./service.ts";
export { type ActionTemplates, DEFAULT_TEMPLATES, parseActionTemplates } from "./templates.ts";
