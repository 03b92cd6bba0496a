import { type CorpusCase, comment, deployment, email, pullRequest, review, slack, task } from "../builder.ts";

const merged = () => pullRequest("anna", "Thu 03-06 10:00", "CSV export", { merged: "Fri 03-07 15:00" });

/** Work waiting on the outside world, and work done but not shipped. */
export const deliveryCases: CorpusCase[] = [
  // blocked on something outside the team
  {
    name: "label 'blocked'",
    task: task({ labels: ["blocked"] }, []),
    raise: ["blocked_external"],
  },
  {
    name: "label 'Waiting for client'",
    task: task({ labels: ["Waiting for client"] }, []),
    raise: ["blocked_external"],
  },
  {
    name: "still waiting on Stripe to enable the sandbox",
    task: task({}, [
      comment(
        "anna",
        "Tue 03-11 10:00",
        "Still waiting on Stripe to enable Connect on our sandbox account, can't test the payout webhooks until then.",
        { id: "w" },
      ),
    ]),
    raise: [{ kind: "blocked_external", evidence: "w" }],
  },
  {
    name: "no API keys yet",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 14:00",
        "Blocked: we don't have the API keys for the production SFTP yet — asked Raj on Monday.",
      ),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "the keys arrived",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 14:00",
        "Blocked: we don't have the API keys for the production SFTP yet — asked Raj on Monday.",
      ),
      comment("ben", "Tue 03-11 11:00", "Got the keys from Raj, uploading the first batch now."),
    ]),
    raise: [],
  },
  {
    name: "waiting for CI is not external",
    task: task({}, [comment("anna", "Tue 03-11 10:00", "Waiting for CI to go green before I merge.")]),
    raise: [],
  },
  {
    name: "waiting on a teammate's review is not external",
    task: task({}, [comment("anna", "Tue 03-11 10:00", "waiting on Ben's review, then it's ready for QA")]),
    raise: [],
  },
  {
    name: "client's IT still has to whitelist our IPs",
    task: task({}, [
      email(
        "dana",
        "Tue 03-11 09:00",
        "Hi Anna, we're still waiting for our IT team to whitelist your IPs, should be done by Thursday.",
      ),
    ]),
    raise: ["blocked_external", "feedback_off_board"],
  },
  {
    name: "a block that may come is not a block yet",
    task: task({}, [
      comment(
        "anna",
        "Tue 03-11 10:00",
        "If we don't get the test data by Friday we'll be blocked on the import work.",
      ),
    ]),
    raise: [],
  },
  {
    name: "asking whether we have access is a question, not a block",
    task: task({}, [
      comment("ben", "Mon 03-10 10:00", "Do we have access to the client's Google Analytics account?"),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "needs sample files from the client",
    task: task({}, [
      comment(
        "anna",
        "Tue 03-11 10:00",
        "Need sample files from the client (at least 3 real invoices) before I can finish the parser.",
      ),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "status 'Waiting for Client'",
    task: task({ status: "Waiting for Client" }, []),
    raise: ["blocked_external"],
  },
  {
    name: "blocked by an open issue of another team",
    task: task({ blockedBy: [{ key: "OPS-88", status: "To Do", done: false }] }, []),
    raise: ["blocked_external"],
  },
  {
    name: "the blocking issue is done",
    task: task({ blockedBy: [{ key: "OPS-88", status: "Done", done: true }] }, []),
    raise: [],
  },
  {
    name: "blocked, then the task was closed",
    task: task({ status: "Done", board: "Tue 03-11 10:00" }, [
      comment("ben", "Mon 03-10 10:00", "Blocked until the client sends the VPN credentials."),
    ]),
    raise: [],
  },
  {
    name: "no longer blocked",
    task: task({}, [
      comment("anna", "Mon 03-10 10:00", "Blocked on test accounts from Brightside."),
      email(
        "dana",
        "Mon 03-10 16:00",
        "Test accounts are in the attached sheet, let me know if any don't work.",
      ),
      comment("anna", "Tue 03-11 09:00", "No longer blocked — Dana sent the test accounts, all three work."),
    ]),
    raise: [],
  },
  {
    name: "typo'd VPN access complaint",
    task: task({}, [
      slack("ben", "Tue 03-11 11:00", "still no acess to their staging VPN, pinged their IT again"),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "blocked by a flaky test is internal",
    task: task({}, [comment("anna", "Tue 03-11 10:00", "Blocked by a flaky test in CI, looking into it.")]),
    raise: [],
  },
  {
    name: "client's legal team holds the rollout",
    task: task({}, [
      email(
        "raj",
        "Tue 03-11 09:00",
        "Our legal team is still reviewing the DPA, so please hold off on the production rollout for now.",
      ),
    ]),
    raise: ["blocked_external", "feedback_off_board"],
  },
  {
    name: "the vendor's test environment is down",
    task: task({}, [
      comment(
        "ben",
        "Tue 03-11 13:00",
        "The Adyen test environment has been down since this morning, can't run the payment tests until it's back.",
      ),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "blocked on our own design work is internal",
    task: task({}, [
      comment("anna", "Tue 03-11 10:00", "Blocked on design — Maya is finishing the empty states today."),
    ]),
    raise: [],
  },

  // done but not deployed
  {
    name: "done with a merged PR and no deployment",
    task: task({ status: "Done" }, [merged()]),
    raise: ["done_not_deployed"],
  },
  {
    name: "deployed to production after the merge",
    task: task({ status: "Done" }, [merged(), deployment("Mon 03-10 11:00", "success", "production")]),
    raise: [],
  },
  {
    name: "only deployed to staging",
    task: task({ status: "Done" }, [merged(), deployment("Mon 03-10 11:00", "success", "staging")]),
    raise: ["done_not_deployed"],
  },
  {
    name: "the production deployment failed",
    task: task({ status: "Done" }, [merged(), deployment("Mon 03-10 11:00", "failure", "production")]),
    raise: ["done_not_deployed"],
  },
  {
    name: "a deploy confirmed in Slack",
    task: task({ status: "Done" }, [
      merged(),
      slack("ben", "Mon 03-10 16:30", "deployed to prod 🚀 v2.14.0 is live"),
    ]),
    raise: [],
  },
  {
    name: "'will deploy tomorrow' is not a deployment",
    task: task({ status: "Done" }, [
      merged(),
      slack("ben", "Mon 03-10 16:30", "will deploy tomorrow morning, release freeze today"),
    ]),
    raise: ["done_not_deployed"],
  },
  {
    name: "the client asks whether it is live",
    task: task({ status: "Done" }, [
      merged(),
      email("dana", "Wed 03-12 14:00", "Is this live yet? Our team wants to start using it Monday."),
    ]),
    raise: ["done_not_deployed", "feedback_off_board"],
  },
  {
    name: "done this morning",
    task: task({ status: "Done", board: "Wed 03-12 10:00" }, [
      pullRequest("anna", "Tue 03-11 10:00", "CSV export", { merged: "Wed 03-12 09:30" }),
    ]),
    raise: [],
  },
  {
    name: "closed as won't do",
    task: task({ status: "Done", resolution: "Won't Do" }, [
      pullRequest("anna", "Thu 03-06 10:00", "Spike: PDF export"),
    ]),
    raise: [],
  },
  {
    name: "merged pull request, not deployed",
    task: task({ pr: { merged: "Fri 03-07 15:00", reviewers: ["ben"] }, created: "Thu 03-06 10:00" }, [
      pullRequest("anna", "Thu 03-06 10:00", "Add CSV export"),
      review("ben", "Fri 03-07 11:00", "approved", "LGTM"),
    ]),
    raise: ["done_not_deployed"],
  },
  {
    name: "design task done without code",
    task: task({ status: "Done", title: "Design the empty states" }, []),
    raise: [],
  },
  {
    name: "a published release counts",
    task: task({ status: "Done" }, [
      merged(),
      deployment("Mon 03-10 12:00", "published", "v2.14.0", { release: true }),
    ]),
    raise: [],
  },
  {
    name: "a deploy bot's message counts",
    task: task({ status: "Done" }, [
      merged(),
      slack("deployBot", "Mon 03-10 11:00", "✅ Deployed acme/web@4f2c1 to production (v2.14.0)"),
    ]),
    raise: [],
  },
  {
    name: "rolled back after the deployment",
    task: task({ status: "Done" }, [
      merged(),
      deployment("Mon 03-10 11:00", "success", "production"),
      slack("ben", "Mon 03-10 13:00", "rolled back the release, 500s on checkout — investigating"),
    ]),
    raise: ["done_not_deployed"],
  },
  {
    name: "a deployment before the merge does not count",
    task: task({ status: "Done" }, [merged(), deployment("Thu 03-06 12:00", "success", "production")]),
    raise: ["done_not_deployed"],
  },
];
