import {
  type CorpusCase,
  comment,
  deployment,
  email,
  pullRequest,
  review,
  slack,
  task,
  teams,
} from "../builder.ts";

/** Stale work, feedback that never reached the board, and tasks nobody owns. */
export const activityCases: CorpusCase[] = [
  // stale
  {
    name: "in progress and quiet for a week",
    task: task({ board: "Wed 03-05 10:00" }, [
      comment("anna", "Wed 03-05 10:30", "Started on the parser, first pass tomorrow."),
    ]),
    raise: ["stale"],
  },
  {
    name: "in progress with a comment yesterday",
    task: task({ board: "Mon 03-03 10:00" }, [
      comment("anna", "Tue 03-11 16:00", "Parser done, now wiring up the UI."),
    ]),
    raise: [],
  },
  {
    name: "bots don't keep a task alive",
    task: task({ board: "Thu 03-06 16:00" }, [
      comment("jiraBot", "Mon 03-10 09:00", "Reminder: this issue has been in progress for 3 days."),
      deployment("Tue 03-11 12:00", "success", "staging"),
      slack("deployBot", "Tue 03-11 12:01", "Deployed web@4f2c1 to staging"),
    ]),
    raise: ["stale"],
  },
  {
    name: "a weekend is not inactivity",
    now: "Wed 03-12 10:00",
    task: task({ board: "Fri 03-07 17:00" }, []),
    raise: [],
  },
  {
    name: "quiet over a bank holiday weekend is not stale",
    now: "Wed 03-12 09:00",
    settings: { holidays: ["2025-03-10"] },
    task: task({ board: "Thu 03-06 12:00" }, []),
    raise: [],
  },
  {
    name: "the same quiet stretch without the holiday is stale",
    now: "Wed 03-12 09:00",
    task: task({ board: "Thu 03-06 12:00" }, []),
    raise: ["stale"],
  },
  {
    name: "in code review for a week",
    task: task({ status: "Code Review", board: "Tue 03-04 12:00" }, []),
    raise: ["stale"],
  },
  {
    name: "in code review for four days",
    task: task({ status: "Code Review", board: "Thu 03-06 10:00" }, []),
    raise: [],
  },
  {
    name: "backlog item untouched for three weeks",
    task: task({ status: "Backlog", board: "Mon 2025-02-17 10:00", created: "Mon 2025-02-17 09:00" }, []),
    raise: ["stale"],
  },
  {
    name: "label on-hold exempts a quiet task",
    task: task({ labels: ["on-hold"], board: "Mon 03-03 10:00" }, []),
    raise: [],
  },
  {
    name: "status On Hold exempts a quiet task",
    task: task({ status: "On Hold", board: "Mon 03-03 10:00" }, []),
    raise: [],
  },
  {
    name: "a future due date exempts a quiet task",
    task: task({ board: "Tue 03-04 10:00", due: "Tue 04-01 17:00" }, []),
    raise: [],
  },
  {
    name: "overdue and quiet",
    task: task({ board: "Tue 03-04 10:00", due: "Fri 03-07 17:00" }, []),
    raise: ["stale"],
  },
  {
    name: "done and quiet for a month",
    task: task({ status: "Done", board: "Mon 2025-02-10 10:00" }, []),
    raise: [],
  },
  {
    name: "a client's email counts as activity",
    task: task({ board: "Tue 03-04 10:00" }, [
      email("dana", "Tue 03-11 11:00", "Hi Anna, the numbers in the March report look right to me now."),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "a review on the linked pull request counts as activity",
    task: task({ board: "Tue 03-04 10:00" }, [
      pullRequest("anna", "Wed 03-05 10:00", "WEB-1: CSV export"),
      review("ben", "Tue 03-11 15:00", "commented", "Left a few notes on the streaming part."),
    ]),
    raise: [],
  },
  {
    name: "CI comments on a quiet approved pull request",
    task: task({ pr: { reviewers: ["ben"] }, created: "Tue 03-04 10:00" }, [
      pullRequest("anna", "Tue 03-04 10:00", "Stream large exports"),
      review("ben", "Wed 03-05 10:00", "approved", "LGTM"),
      comment("actions", "Mon 03-10 09:00", "Coverage report: 84.2% (+0.3%)"),
      comment("actions", "Tue 03-11 09:00", "This branch has conflicts that must be resolved."),
    ]),
    raise: ["stale"],
  },
  {
    name: "a future due date does not exempt when the team turned that off",
    settings: { stale: { exemptFutureDue: false } },
    task: task({ board: "Tue 03-04 10:00", due: "Tue 04-01 17:00" }, []),
    raise: ["stale"],
  },

  // feedback off the board
  {
    name: "client's email after the last board update",
    task: task({}, [
      comment("anna", "Mon 03-10 11:00", "Export is on staging."),
      email(
        "dana",
        "Tue 03-11 10:00",
        "Hi Anna, tried the export on staging. The dates come out as MM/DD but we need DD/MM for the UK entities.",
        { id: "fb" },
      ),
    ]),
    raise: [{ kind: "feedback_off_board", evidence: "fb" }],
  },
  {
    name: "the board was updated after the client's email",
    task: task({}, [
      comment("anna", "Mon 03-10 11:00", "Export is on staging."),
      email(
        "dana",
        "Tue 03-11 10:00",
        "Hi Anna, tried the export on staging. The dates come out as MM/DD but we need DD/MM for the UK entities.",
      ),
      comment("anna", "Tue 03-11 14:00", "Dana wants DD/MM for UK entities — changing the formatter."),
    ]),
    raise: [],
  },
  {
    name: "a Slack guest's feedback newer than the ticket",
    task: task({}, [
      slack("tom", "Tue 03-11 15:30", "fyi the hero image is blurry on retina screens, we'd need a 2x asset"),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "the team's own chat is not outside feedback",
    task: task({}, [
      slack("ben", "Tue 03-11 15:30", "fyi the hero image is blurry on retina, I'll export a 2x asset"),
    ]),
    raise: [],
  },
  {
    name: "a thank-you is not feedback",
    task: task({}, [email("dana", "Tue 03-11 10:00", "Thanks so much, looks great! 🙌")]),
    raise: [],
  },
  {
    name: "automation after the client's email is not an update",
    task: task({}, [
      email("dana", "Tue 03-11 10:00", "Small thing: the footer still says 2024."),
      comment("jiraBot", "Tue 03-11 12:00", "This issue was added to Sprint 14."),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "client feedback in Teams with a question",
    task: task({}, [
      teams(
        "dana",
        "Tue 03-11 11:00",
        "We reviewed the flow with the ops team — can the approve button be on the right instead of the left?",
      ),
    ]),
    raise: ["feedback_off_board", "unanswered_question"],
  },
  {
    name: "a vendor's email on a task",
    task: task({}, [
      email(
        "lena",
        "Tue 03-11 09:00",
        "Hi Anna, your sandbox account is now enabled for Connect. You can generate test keys from the dashboard.",
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "client feedback on a pull request",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Rename export actions"),
      review("ben", "Mon 03-10 15:00", "approved", "LGTM"),
      email(
        "dana",
        "Tue 03-11 16:00",
        "Saw the preview link — the export button should say 'Download CSV', not 'Export'.",
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "an out-of-office reply is not feedback",
    task: task({}, [
      email(
        "dana",
        "Tue 03-11 10:00",
        "I'm out of the office until Monday 17 March with limited access to email. For urgent matters contact raj@brightside.co.",
        { automated: true },
      ),
    ]),
    raise: [],
  },
  {
    name: "client's email older than the latest ticket comment",
    task: task({}, [
      email("dana", "Mon 03-10 10:00", "The PDF attachment in the invoice email is 0 bytes."),
      comment("ben", "Mon 03-10 14:00", "Reproduced the 0-byte PDF, fix in progress."),
    ]),
    raise: [],
  },

  // no owner
  {
    name: "in progress with nobody assigned",
    task: task({ assignee: null }, []),
    raise: ["no_owner"],
  },
  {
    name: "done with nobody assigned",
    task: task({ assignee: null, status: "Done" }, []),
    raise: [],
  },
  {
    name: "to do with nobody assigned",
    task: task({ assignee: null, status: "To Do" }, []),
    raise: ["no_owner"],
  },
  {
    name: "a pull request without assignee has its author",
    task: task({ pr: { reviewers: ["ben"] }, created: "Wed 03-12 09:00" }, [
      pullRequest("anna", "Wed 03-12 09:00", "Fix the footer year"),
    ]),
    raise: [],
  },
  {
    name: "a GitHub issue nobody picked up",
    task: task(
      {
        source: "github",
        key: "acme/web#5001",
        assignee: null,
        reporter: "ben",
        status: "open",
        category: "todo",
      },
      [comment("ben", "Tue 03-11 10:00", "Seen on Safari 17 too, screenshots attached.")],
    ),
    raise: ["no_owner"],
  },
];
