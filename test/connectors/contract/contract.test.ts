/**
 * The connector contract, run for every source: its pull against its sandbox, then its runs through the
 * sync engine on each test database (one database shared by the five, as creating one is what costs).
 */
import { describeEachDatabase } from "../../helpers/databases.ts";
import { describeConnectorContract, describeConnectorContractSync } from "./contract.ts";
import { githubFixture } from "./fixtures/github.ts";
import { gmailFixture } from "./fixtures/gmail.ts";
import { jiraFixture } from "./fixtures/jira.ts";
import { slackFixture } from "./fixtures/slack.ts";
import { teamsFixture } from "./fixtures/teams.ts";

describeConnectorContract(jiraFixture);
describeConnectorContract(githubFixture);
describeConnectorContract(gmailFixture);
describeConnectorContract(teamsFixture);
describeConnectorContract(slackFixture);

describeEachDatabase("Connector contract through the sync engine", (ctx) => {
  describeConnectorContractSync(ctx, jiraFixture);
  describeConnectorContractSync(ctx, githubFixture);
  describeConnectorContractSync(ctx, gmailFixture);
  describeConnectorContractSync(ctx, teamsFixture);
  describeConnectorContractSync(ctx, slackFixture);
});
