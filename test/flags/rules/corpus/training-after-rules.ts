import {
  type CorpusCase,
  comment,
  deployment,
  email,
  pullRequest,
  review,
  reviewComment,
  slack,
  task,
  teams,
} from "../builder.ts";

const merged = () =>
  pullRequest("anna", "Thu 03-06 10:00", "Invoice VAT line", { merged: "Fri 03-07 15:00" });

/**
 * A training set. Written after the rules existed, in other words than the first sets, to see how the rules
 * do on text they were not written against; it was held out only until its first run, and the rules were
 * tuned on it since, so its score now measures training data (the blind set, corpus/blind.ts, measures text
 * the rules were never tuned on). Their first run: precision 0.875 and recall 0.808 overall (5 flags missed, 3
 * raised wrongly: "is there a reason…" without "?", "confirm you're happy for us to proceed", "QA passed",
 * "as long as", "parked until", "dependent on", "went out with last night's release"). The rules were then
 * extended for those kinds of phrasing; the cases are kept as they were written.
 */
export const trainingAfterRulesCases: CorpusCase[] = [
  {
    name: "client asks by email whether the VAT number can be added",
    task: task({}, [
      email(
        "raj",
        "Mon 03-10 10:00",
        "Hello,\n\nWe noticed the invoice PDFs are missing our VAT number. Is that something you can add before month end?\n\nKind regards,\nRaj",
      ),
    ]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "client's quick question answered in the Teams thread",
    task: task({}, [
      teams("dana", "Tue 03-11 09:00", "Quick q - are the reports timezone aware or UTC?", { thread: "t9" }),
      teams("ben", "Tue 03-11 09:30", "UTC for now, we can localise later", { thread: "t9" }),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "maintenance heads-up is not a question or a block",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 10:00",
        "Heads up: the staging DB will be down for maintenance tonight from 10pm.",
      ),
    ]),
    raise: [],
  },
  {
    name: "QA asks in lower case whether to raise a separate bug",
    task: task({}, [
      slack(
        "quinn",
        "Tue 03-11 09:00",
        "found another edge case: uploading a 0 byte file crashes the parser. should I raise a separate bug or keep it here?",
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "a heads-up to the client needs no answer",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:00",
        "Hi Dana,\n\nJust a heads-up that we're planning the release for Thursday evening. No action needed from your side.\n\nCheers,\nAnna",
        { to: ["dana"] },
      ),
    ]),
    raise: [],
  },
  {
    name: "lead asks a developer to double-check, no question mark",
    task: task({}, [
      comment(
        "maya",
        "Mon 03-10 09:30",
        "@Ben when you get a minute, could you double-check the rounding on the totals",
        { mentions: ["ben"] },
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "'is there a reason…' without a question mark",
    task: task({}, [
      comment("ben", "Mon 03-10 10:00", "is there a reason we're not using the shared date util here"),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "guest asks about the demo without a question mark",
    task: task({}, [slack("tom", "Mon 03-10 11:00", "so are we still on for the demo on friday")]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "client sends the files we asked for",
    task: task({}, [
      email("dana", "Tue 03-11 10:00", "Please find attached the brand guidelines you asked for."),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "'what a week' is not a question",
    task: task({}, [comment("anna", "Mon 03-10 10:00", "What a week 😅 anyway, PR is up.")]),
    raise: [],
  },
  {
    name: "reviewer's design question after approving",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Index customers by email"),
      review("ben", "Mon 03-10 11:00", "approved", ""),
      reviewComment(
        "ben",
        "Mon 03-10 11:01",
        "Could this be a Set instead of an array? Lookups are O(n) here.",
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "client's request answered by our lead by email",
    task: task({}, [
      email("dana", "Mon 03-10 10:00", "Can we push the launch to the 28th?", { thread: "l1" }),
      email("maya", "Mon 03-10 12:00", "Yes, 28th works for us.", { thread: "l1" }),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "'can't reproduce' is a statement",
    task: task({}, [
      comment("ben", "Tue 03-11 10:00", "Can't reproduce on my machine, works fine in Chrome 122."),
    ]),
    raise: [],
  },
  {
    name: "a wish with 'no rush' is feedback, not a question",
    task: task({}, [
      email("dana", "Tue 03-11 10:00", "We'd love to see a dark mode at some point, no rush."),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "go-ahead asked from the lead, no answer",
    task: task({}, [
      comment("anna", "Mon 03-10 09:00", "@Maya need your go-ahead before I enable this for all tenants", {
        mentions: ["maya"],
      }),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "SOW sent for review and approval, no answer",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:00",
        "Hi Dana,\n\nPlease review the attached SOW and confirm you're happy for us to proceed.\n\nThanks,\nAnna",
        { to: ["dana"] },
      ),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "SOW approved by reply",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:00",
        "Hi Dana,\n\nPlease review the attached SOW and confirm you're happy for us to proceed.\n\nThanks,\nAnna",
        { to: ["dana"], thread: "s1" },
      ),
      email("dana", "Mon 03-10 14:00", "All approved, go ahead 👍", { thread: "s1" }),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "approved, then a second reviewer requests changes",
    task: task({ pr: { reviewers: ["ben", "kofi"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Batch the exports"),
      review("ben", "Mon 03-10 10:00", "approved", "LGTM"),
      review("kofi", "Mon 03-10 12:00", "changes_requested", "This breaks the nightly job, see comment."),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "'QA passed' is a QA sign-off",
    task: task({ status: "Ready for Release", board: "Tue 03-11 10:00" }, [
      comment("quinn", "Tue 03-11 09:30", "QA passed ✔️ regression suite green on build 483"),
    ]),
    raise: [],
  },
  {
    name: "client happy with a client-facing task in Teams",
    task: task({ status: "Done", labels: ["client-facing"], board: "Mon 03-10 09:00" }, [
      teams("dana", "Mon 03-10 15:00", "Yep, happy with this - thanks team"),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "thumbs-up asked with an emoji and given",
    task: task({}, [
      slack("anna", "Mon 03-10 10:00", "@Maya can I get a 👍 on the copy changes before I merge?", {
        mentions: ["maya"],
        thread: "c1",
      }),
      slack("maya", "Mon 03-10 10:30", "👍", { thread: "c1" }),
    ]),
    raise: [],
  },
  {
    name: "'ok as long as legal is fine' is conditional",
    task: task({}, [
      comment("anna", "Mon 03-10 09:00", "@Maya could you sign off on the cookie banner text?", {
        mentions: ["maya"],
      }),
      comment("maya", "Mon 03-10 11:00", "ok from my side as long as legal is fine with it"),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "quiet since the client's email, bots since",
    task: task({ board: "Wed 03-05 10:00" }, [
      email("dana", "Thu 03-06 11:00", "Morning! Sending over the final logo files now."),
      comment("jiraBot", "Mon 03-10 09:00", "This issue has been in progress for 3 days."),
    ]),
    raise: ["stale", "feedback_off_board"],
  },
  {
    name: "selected for development eight working days ago",
    task: task({ status: "Selected for Development", board: "Fri 02-28 10:00" }, []),
    raise: [],
  },
  {
    name: "a holiday on Tuesday keeps it fresh",
    settings: { holidays: ["2025-03-11"] },
    task: task({ board: "Fri 03-07 10:00" }, []),
    raise: [],
  },
  {
    name: "a praying-hands emoji is no feedback",
    task: task({}, [slack("tom", "Tue 03-11 10:00", "🙏")]),
    raise: [],
  },
  {
    name: "the lead's Teams message is the team's",
    task: task({}, [
      teams("maya", "Tue 03-11 10:00", "Dana's team wants the button green, I'll update the ticket."),
    ]),
    raise: [],
  },
  {
    name: "parked until the client opens a firewall port",
    task: task({}, [
      comment("anna", "Tue 03-11 10:00", "Parked until Brightside's IT opens port 443 on their firewall."),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "dependent on the bank for the SFTP host",
    task: task({}, [
      comment(
        "ben",
        "Tue 03-11 10:00",
        "We're dependent on the bank providing the SFTP host details; chased them again today.",
      ),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "VPN access finally arrived",
    task: task({}, [
      comment(
        "anna",
        "Mon 03-10 10:00",
        "Still can't get into their VPN, the account isn't provisioned yet.",
      ),
      comment(
        "anna",
        "Tue 03-11 09:00",
        "Got VPN access this morning, finally! Starting on the integration.",
      ),
    ]),
    raise: [],
  },
  {
    name: "waiting on a teammate to confirm the copy",
    task: task({}, [comment("ben", "Tue 03-11 10:00", "Waiting on Maya to confirm the copy.")]),
    raise: [],
  },
  {
    name: "client's security team holds the production credentials",
    task: task({}, [
      email(
        "raj",
        "Tue 03-11 09:00",
        "Apologies for the delay - our security team hasn't signed off the pen test scope yet, so we can't give you production credentials until next week.",
      ),
    ]),
    raise: ["blocked_external", "feedback_off_board"],
  },
  {
    name: "deployed to an environment named prod-eu",
    task: task({ status: "Done" }, [merged(), deployment("Mon 03-10 11:00", "success", "prod-eu")]),
    raise: [],
  },
  {
    name: "'went out with last night's release'",
    task: task({ status: "Done" }, [
      merged(),
      slack("ben", "Tue 03-11 09:00", "this went out with last night's release 🎉"),
    ]),
    raise: [],
  },
  {
    name: "deployment to Production by the GitHub bot",
    task: task({ status: "Done" }, [merged(), deployment("Mon 03-10 11:00", "success", "Production")]),
    raise: [],
  },
  {
    name: "'will go out in Thursday's release'",
    task: task({ status: "Done" }, [
      merged(),
      comment("anna", "Mon 03-10 10:00", "Merged, will go out in Thursday's release."),
    ]),
    raise: ["done_not_deployed"],
  },
  {
    name: "backlog item with an icebox label and no assignee",
    task: task({ status: "Backlog", assignee: null, labels: ["icebox"] }, []),
    raise: ["no_owner"],
  },
];
