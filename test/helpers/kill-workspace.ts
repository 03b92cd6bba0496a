import { generateDataset } from "./sync-dataset.ts";
import { type ScriptedWorkspace, scriptedWorkspace } from "./sync-run.ts";

/** The data set the kill tests run, in the child process and in the uninterrupted reference alike. */
export function killWorkspace(seed: number, pageDelayMs = 0): ScriptedWorkspace {
  const dataset = generateDataset({
    seed,
    tasksPerProject: 16,
    commentsPerTask: 4,
    chatThreadsPerChannel: 10,
    emailThreads: 8,
  });
  const workspace = scriptedWorkspace({ dataset, pageSize: 4 });
  for (const script of [workspace.jira, workspace.slack, workspace.gmail]) script.pageDelayMs = pageDelayMs;
  return workspace;
}
