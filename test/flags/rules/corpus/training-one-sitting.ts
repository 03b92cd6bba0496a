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

const mergedPr = () =>
  pullRequest("ben", "Thu 03-06 10:00", "Fix rounding in the export totals", { merged: "Thu 03-06 16:00" });

/**
 * A training set. Written in one sitting after the rules were finished as a second held-out set, and scored
 * once before any rule was touched; the rules were tuned on it since, so its score now measures training data
 * (the blind set, corpus/blind.ts, measures text the rules were never tuned on). Its first run, as it came out
 * (TP/FP/FN): overall 24/4/4, precision 0.857 and recall 0.857; unanswered_question 4/2/3 (0.667, 0.571: wh-
 * and yes/no questions without a question mark, "Oh sure, because … ?", "Ship it? With …? No thanks");
 * blocked_external 1/1/1 (0.5, 0.5: "blokced", a vendor's "now enabled on the sandbox" not ending a wait filed
 * under the vendor); missing_approval 6/1/0 (0.857: "happy for you to close this"); every other kind 1.0.
 * The rules were then extended for those kinds of phrasing, never for one sentence; the cases are kept as
 * they were written. The blind set says how well that
 * generalised.
 */
export const trainingOneSittingCases: CorpusCase[] = [
  // --- questions, and things that only look like them
  {
    name: "client can't find a button, typos and no question mark",
    task: task({}, [
      email(
        "dana",
        "Mon 03-10 10:00",
        "hey, cant find the download button on the new dashbaord anymore, where did it go\n\nDana",
        { id: "q" },
      ),
    ]),
    raise: [{ kind: "unanswered_question", evidence: "q" }, "feedback_off_board"],
  },
  {
    name: "our reply quotes the client's question below it",
    task: task({}, [
      email("dana", "Mon 03-10 10:00", "where did the download button go?? need it for the monthly close", {
        thread: "e7",
      }),
      email(
        "anna",
        "Mon 03-10 14:00",
        "Sure thing, it moved under Reports, you should see it after a refresh.\n\nOn Mon, 10 Mar 2025 at 10:00, Dana Ruiz <dana@brightside.co> wrote:\n> where did the download button go?? need it for the monthly close",
        { thread: "e7", to: ["dana"] },
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "teammate asks which env var, no question mark",
    task: task({}, [
      comment("ben", "Mon 03-10 10:00", "@anna which env var holds the SFTP host again", {
        mentions: ["anna"],
      }),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "sarcastic question about staging is not a request",
    task: task({}, [
      comment(
        "anna",
        "Mon 03-10 11:00",
        "Oh sure, because staging has never gone down before? Restarted it, tests running again.",
      ),
    ]),
    raise: [],
  },
  {
    name: "musing about the old importer",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 11:00",
        "Honestly no idea how the old importer ever worked. Rewrote the parser, PR up shortly.",
      ),
    ]),
    raise: [],
  },
  {
    name: "client asked in Teams this morning",
    task: task({}, [
      teams("dana", "Wed 03-12 11:00", "Do we get an email when the export finishes or do we have to check?"),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "QA asks whether anyone is on a timeout, lower case, no question mark",
    task: task({}, [
      slack("quinn", "Tue 03-11 09:00", "fyi the export still times out above 10k rows, is someone on it"),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "a thumbs-up answers the teammate's yes/no question",
    task: task({}, [
      slack("ben", "Mon 03-10 10:00", "can we drop the legacy CSV endpoint once this ships?", {
        reactions: { "+1": ["anna"] },
      }),
    ]),
    raise: [],
  },
  {
    name: "another client's '+1' is not an answer",
    task: task({}, [
      email("dana", "Mon 03-10 10:00", "Could the report also show the cost centre per line?", { id: "q" }),
      email("raj", "Mon 03-10 12:00", "+1, finance would need that too."),
    ]),
    raise: [{ kind: "unanswered_question", evidence: "q" }, "feedback_off_board"],
  },
  {
    name: "a question inside a forwarded message is not ours",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 10:00",
        "FYI, nothing needed from you yet.\n\n---------- Forwarded message ---------\nFrom: Lena Vogel <lena@stripe.com>\nDate: Mon, 10 Mar 2025\nSubject: Webhook URL\n\nCan you send us the webhook URL for the sandbox?",
        { to: ["ben"] },
      ),
    ]),
    raise: [],
  },
  {
    name: "reviewer asks why an error is swallowed, no reply",
    task: task({ pr: { reviewers: ["ben"] } }, [
      pullRequest("anna", "Mon 03-03 09:00", "Retry the export upload"),
      reviewComment("ben", "Mon 03-10 11:00", "why are we catching and swallowing this error?", { id: "q" }),
    ]),
    raise: [{ kind: "unanswered_question", evidence: "q" }, "missing_approval"],
  },
  {
    name: "client changes the schedule by email, nobody picks it up",
    task: task({}, [
      email(
        "dana",
        "Tue 03-11 10:00",
        "Actually can we make the export weekly instead of daily? Finance changed their mind, sorry!",
      ),
    ]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "client's change answered and noted on the ticket",
    task: task({}, [
      email(
        "dana",
        "Tue 03-11 10:00",
        "Actually can we make the export weekly instead of daily? Finance changed their mind, sorry!",
      ),
      comment(
        "anna",
        "Tue 03-11 15:00",
        "Per Dana's email: weekly, Monday 6am. Updated the cron and the AC.",
      ),
    ]),
    raise: [],
  },

  // --- approvals
  {
    name: "green light asked for by email, silence",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 10:00",
        "Hi Dana, could you give us the green light on the homepage copy by Thursday?",
        {
          to: ["dana"],
          id: "ask",
        },
      ),
    ]),
    raise: [{ kind: "missing_approval", evidence: "ask" }],
  },
  {
    name: "'ok to ship?' answered with a sarcastic no",
    task: task({}, [
      slack("anna", "Mon 03-10 09:30", "ok to ship the new pricing page today?"),
      slack("raj", "Mon 03-10 11:00", "Ship it? With last year's prices on it? No thanks 🙃"),
    ]),
    raise: ["missing_approval", "feedback_off_board"],
  },
  {
    name: "QA signs off on a condition",
    task: task({ status: "Ready for Release", board: "Tue 03-11 10:00" }, [
      comment("quinn", "Tue 03-11 14:00", "Signed off, assuming the Safari fix from #512 goes in too."),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "QA signs off with typos and a thumbs-up",
    task: task({ status: "Ready for Release", board: "Tue 03-11 10:00" }, [
      comment("quinn", "Tue 03-11 14:00", "tested on stagin build 611, all gud - sign off from me 👍"),
    ]),
    raise: [],
  },
  {
    name: "approval asked in Slack and given",
    task: task({}, [
      slack("ben", "Mon 03-10 10:00", "@maya can you approve the rollout plan pls", { mentions: ["maya"] }),
      slack("maya", "Mon 03-10 10:30", "approved 👍 go for it"),
    ]),
    raise: [],
  },
  {
    name: "asking whether something was approved is a question, not a request",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 10:00",
        "Was the new logo ever approved by them? Can't find it in the thread.",
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "changes requested on Monday, nothing since",
    task: task({ pr: { reviewers: ["ben"] } }, [
      pullRequest("anna", "Fri 03-07 09:00", "Paginate the invoice list"),
      review(
        "ben",
        "Mon 03-10 10:00",
        "changes_requested",
        "The cursor leaks the internal id; use the opaque one.",
      ),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "hotfix merged yesterday without a review",
    task: task({ pr: { merged: "Tue 03-11 16:00" } }, [
      pullRequest("kofi", "Tue 03-11 15:40", "hotfix: null check on empty basket", {
        merged: "Tue 03-11 16:00",
      }),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "client says we can close it, then it is closed",
    task: task({ status: "Done", labels: ["client-facing"], board: "Tue 03-11 10:00" }, [
      email("dana", "Mon 03-10 15:00", "Looks great, happy for you to close this one from our side."),
    ]),
    raise: [],
  },

  // --- stale
  {
    name: "in review, only bots since last Wednesday",
    task: task({ status: "In Review", board: "Wed 03-05 10:00" }, [
      comment("anna", "Wed 03-05 12:00", "Ready for review, the migration is in the second commit."),
      comment("actions", "Mon 03-10 08:00", "Build #4411 passed.", { automated: true }),
      comment("dependabot", "Tue 03-11 08:00", "Bumps lodash from 4.17.20 to 4.17.21."),
    ]),
    raise: ["stale"],
  },
  {
    name: "backlog item nobody touched for three and a half weeks",
    task: task({ status: "Backlog", board: "Mon 02-17 10:00", created: "Mon 02-17 09:00" }, []),
    raise: ["stale"],
  },
  {
    name: "a team's own threshold for design work",
    settings: { stale: { statusThresholds: { "In Design": 8 } } },
    task: task({ status: "In Design", board: "Tue 03-04 10:00" }, []),
    raise: [],
  },
  {
    name: "a draft pull request quiet for two weeks",
    task: task({ pr: { draft: true }, created: "Mon 02-24 09:00" }, [
      pullRequest("anna", "Mon 02-24 09:00", "WIP: new export pipeline", { draft: true }),
    ]),
    raise: [],
  },
  {
    name: "a Slack thread keeps a quiet ticket alive",
    task: task({ board: "Mon 03-03 10:00" }, [
      slack("ben", "Tue 03-11 10:00", "pushed the parser changes to the branch, writing tests now"),
    ]),
    raise: [],
  },
  {
    name: "status 'ON HOLD' in capitals exempts a quiet task",
    task: task({ status: "ON HOLD", board: "Mon 02-17 10:00" }, []),
    raise: [],
  },

  // --- no owner
  {
    name: "a client's GitHub issue nobody picked up",
    task: task(
      {
        source: "github",
        key: "acme/web#901",
        status: "open",
        category: "todo",
        assignee: null,
        reporter: "raj",
        board: null,
        created: "Fri 03-07 10:00",
      },
      [],
    ),
    raise: ["no_owner"],
  },
  {
    name: "unassigned and closed as won't do",
    task: task({ status: "Won't Do", assignee: null, resolution: "Won't Do" }, []),
    raise: [],
  },

  // --- blocked on the outside world
  {
    name: "blocked till their IT sends the VPN profile, with a typo",
    task: task({}, [
      comment("anna", "Tue 03-11 10:00", "were blokced till their IT sends the vpn profile 🙄"),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "on hold for the client's template choice, then the client chooses",
    task: task({}, [
      comment("anna", "Mon 03-10 10:00", "On hold until Brightside tell us which invoice template to use."),
      email("dana", "Tue 03-11 11:00", "Use template B please, the one with the logo top left."),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "parked until a teammate is back from leave",
    task: task({}, [comment("anna", "Tue 03-11 10:00", "Parked until Ben's back from leave on Monday.")]),
    raise: [],
  },
  {
    name: "sarcastic wait on the bank",
    task: task({}, [
      comment(
        "ben",
        "Tue 03-11 10:00",
        "Love waiting on the bank, my favourite hobby. Still nothing from them on the SFTP host.",
      ),
    ]),
    raise: ["blocked_external"],
  },
  {
    name: "the vendor enabled the sandbox",
    task: task({}, [
      comment("anna", "Mon 03-10 10:00", "Waiting on Stripe to enable Connect on our sandbox account."),
      email(
        "lena",
        "Tue 03-11 09:00",
        "Your account review is complete and Connect is now enabled on the sandbox.",
      ),
    ]),
    raise: ["feedback_off_board"],
  },

  // --- done, deployed or not
  {
    name: "done, deployed to staging only, prod 'tomorrow'",
    task: task({ status: "Done", board: "Fri 03-07 10:00" }, [
      mergedPr(),
      slack("ben", "Mon 03-10 10:00", "deployed to staging, prod tomorrow morning"),
    ]),
    raise: ["done_not_deployed"],
  },
  {
    name: "done, and the version with it is out",
    task: task({ status: "Done", board: "Fri 03-07 10:00" }, [
      mergedPr(),
      slack("ben", "Tue 03-11 10:00", "v3.4.1 is out 🎉 includes the export rounding fix"),
    ]),
    raise: [],
  },
  {
    name: "a failed production deployment, then a good one",
    task: task({ status: "Done", board: "Fri 03-07 10:00" }, [
      mergedPr(),
      deployment("Fri 03-07 11:00", "failure", "production"),
      deployment("Fri 03-07 12:00", "success", "production"),
    ]),
    raise: [],
  },
  {
    name: "the client sees it live",
    task: task({ status: "Done", board: "Fri 03-07 10:00" }, [
      mergedPr(),
      teams("dana", "Mon 03-10 10:00", "we can see it live now, thanks!"),
    ]),
    raise: [],
    ignore: ["feedback_off_board"],
  },
  {
    name: "a Slack guest says the creds expired",
    task: task({}, [slack("tom", "Wed 03-12 11:00", "heads up: the staging creds you gave me expired")]),
    raise: ["feedback_off_board"],
  },
];
