/** The contract's kill test for every source: a backfill SIGKILLed in a child process, then resumed. */
import { githubFixture } from "./fixtures/github.ts";
import { gmailFixture } from "./fixtures/gmail.ts";
import { jiraFixture } from "./fixtures/jira.ts";
import { slackFixture } from "./fixtures/slack.ts";
import { teamsFixture } from "./fixtures/teams.ts";
import { describeConnectorKill } from "./kill.ts";

describeConnectorKill(jiraFixture);
describeConnectorKill(githubFixture);
describeConnectorKill(gmailFixture);
describeConnectorKill(teamsFixture);
describeConnectorKill(slackFixture);
