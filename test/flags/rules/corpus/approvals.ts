import { type CorpusCase, comment, deployment, email, pullRequest, review, slack, task } from "../builder.ts";

/** Pull request reviews, workflow sign-offs, and approvals asked for in messages. */
export const approvalCases: CorpusCase[] = [
  {
    name: "PR waiting two days for its requested reviewer",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Add CSV export for invoices"),
    ]),
    // The author answers for it; the requested reviewer must move.
    raise: [{ kind: "missing_approval", waitingOn: ["ben"], owner: "anna" }],
  },
  {
    name: "PR approved by its reviewer",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Add CSV export for invoices"),
      review("ben", "Tue 03-11 10:00", "approved", "LGTM 🚀"),
    ]),
    raise: [],
  },
  {
    name: "changes requested and no newer approval",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Retry webhook deliveries"),
      review("ben", "Mon 03-10 14:00", "changes_requested", "The retry loop never backs off — see inline."),
      comment("anna", "Tue 03-11 10:00", "Pushed a fix with exponential backoff, PTAL"),
    ]),
    // Changes requested: the author moves, nobody else.
    raise: [{ kind: "missing_approval", waitingOn: [], owner: "anna" }],
  },
  {
    name: "changes requested, then approved",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Retry webhook deliveries"),
      review("ben", "Mon 03-10 14:00", "changes_requested", "The retry loop never backs off — see inline."),
      review("ben", "Tue 03-11 11:00", "approved", "Thanks, looks good now"),
    ]),
    raise: [],
  },
  {
    name: "hotfix merged without any review",
    task: task({ pr: { merged: "Tue 03-11 16:00" }, created: "Tue 03-11 15:30" }, [
      pullRequest("anna", "Tue 03-11 15:30", "Hotfix: null check in invoice totals"),
    ]),
    raise: [{ kind: "missing_approval", waitingOn: [], owner: "anna" }],
  },
  {
    name: "merged after an approval and deployed",
    task: task({ pr: { merged: "Tue 03-11 11:00", reviewers: ["ben"] }, created: "Mon 03-10 15:00" }, [
      pullRequest("anna", "Mon 03-10 15:00", "Paginate the audit log"),
      review("ben", "Tue 03-11 10:30", "approved", "👍"),
      deployment("Tue 03-11 11:20", "success", "production"),
    ]),
    raise: [],
  },
  {
    name: "payments repository needs two approvals and has one",
    task: task({ pr: { repo: "acme/payments", reviewers: ["ben", "kofi"] }, created: "Mon 03-10 10:00" }, [
      pullRequest("anna", "Mon 03-10 10:00", "Refund webhooks"),
      review("ben", "Tue 03-11 09:00", "approved", "LGTM"),
    ]),
    // Ben approved: the second approval waits on Kofi alone.
    raise: [{ kind: "missing_approval", waitingOn: ["kofi"], owner: "anna" }],
  },
  {
    name: "payments repository with two approvals",
    task: task({ pr: { repo: "acme/payments", reviewers: ["ben", "kofi"] }, created: "Mon 03-10 10:00" }, [
      pullRequest("anna", "Mon 03-10 10:00", "Refund webhooks"),
      review("ben", "Tue 03-11 09:00", "approved", "LGTM"),
      review("kofi", "Tue 03-11 15:00", "approved", "lgtm, nice tests"),
    ]),
    raise: [],
  },
  {
    name: "a draft PR is not waiting for approval",
    task: task({ pr: { draft: true }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "WIP: new export pipeline", { draft: true }),
    ]),
    raise: [],
  },
  {
    name: "PR opened this morning",
    task: task({ pr: { reviewers: ["ben"] }, created: "Wed 03-12 09:30" }, [
      pullRequest("anna", "Wed 03-12 09:30", "Add VAT column to the export"),
    ]),
    raise: [],
  },
  {
    name: "'LGTM' in a comment review is not an approving review",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Add CSV export for invoices"),
      review("ben", "Tue 03-11 10:00", "commented", "LGTM 👍"),
    ]),
    raise: [{ kind: "missing_approval", waitingOn: ["ben"], owner: "anna" }],
  },
  {
    name: "dependency bot PR merged without review",
    task: task({ pr: { merged: "Tue 03-11 10:00" }, reporter: "dependabot", created: "Mon 03-10 06:00" }, [
      pullRequest("dependabot", "Mon 03-10 06:00", "Bump undici from 6.19.2 to 6.21.1"),
    ]),
    raise: [],
  },
  {
    name: "QA signed off after the move to Ready for Release",
    task: task({ status: "Ready for Release", board: "Tue 03-11 10:00" }, [
      comment("quinn", "Tue 03-11 15:00", "Tested on staging build 482, all good ✅ signed off from QA"),
    ]),
    raise: [],
  },
  {
    name: "moved to Ready for Release without a QA sign-off",
    task: task({ status: "Ready for Release", board: "Tue 03-11 10:00" }, [
      comment("anna", "Mon 03-10 11:00", "PR merged, moving on."),
    ]),
    raise: [{ kind: "missing_approval", waitingOn: [], owner: "anna" }],
  },
  {
    name: "QA refuses to sign off",
    task: task({ status: "Ready for Release", board: "Tue 03-11 10:00" }, [
      comment(
        "quinn",
        "Tue 03-11 14:00",
        "Retested — still failing on Safari 17, can't sign off on this yet.",
      ),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "QA's OK depends on a fix that has not landed",
    task: task({ status: "Ready for Release", board: "Tue 03-11 10:00" }, [
      comment("quinn", "Tue 03-11 14:00", "Looks good once the copy fix lands, the rest passed."),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "client approved a client-facing task before it was closed",
    task: task({ status: "Done", labels: ["client-facing"], board: "Tue 03-11 10:00" }, [
      email("dana", "Mon 03-10 16:00", "Approved from our side, thanks!"),
    ]),
    raise: [],
  },
  {
    name: "client refuses a client-facing task that was closed",
    task: task({ status: "Done", labels: ["client-facing"], board: "Mon 03-10 11:00" }, [
      email(
        "dana",
        "Tue 03-11 09:30",
        "Not approved — the logo in the header is still the old one. Can you swap it?",
      ),
    ]),
    raise: ["missing_approval", "feedback_off_board", "unanswered_question"],
  },
  {
    name: "approval asked for by email and never given",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:30",
        "Hi Dana,\n\nCould you approve the final copy so we can ship on Thursday?\n\nThanks,\nAnna",
        { to: ["dana"], id: "ask" },
      ),
    ]),
    // Asked of the client: nobody in the team is asked, and Anna, who asked, chases it.
    raise: [{ kind: "missing_approval", evidence: "ask", waitingOn: [], owner: "anna" }],
  },
  {
    name: "approval asked for and given",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:30",
        "Hi Dana,\n\nCould you approve the final copy so we can ship on Thursday?",
        {
          to: ["dana"],
          thread: "a1",
        },
      ),
      email("dana", "Mon 03-10 13:00", "Approved 👍", { thread: "a1" }),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "a conditional approval is not an approval yet",
    task: task({}, [
      email("anna", "Mon 03-10 09:30", "Dana, could you sign off on the pricing page so we can release it?", {
        to: ["dana"],
        thread: "a2",
      }),
      email("dana", "Mon 03-10 15:00", "Approved once the typo in the footer is fixed.", { thread: "a2" }),
    ]),
    raise: ["missing_approval", "feedback_off_board"],
  },
  {
    name: "approval request answered with 'will review tomorrow'",
    task: task({}, [
      email("anna", "Mon 03-10 09:00", "Hi Dana, can we get your sign-off on the new onboarding emails?", {
        to: ["dana"],
        thread: "a3",
      }),
      email("dana", "Mon 03-10 17:00", "Will review tomorrow, swamped today.", { thread: "a3" }),
    ]),
    raise: ["missing_approval", "feedback_off_board"],
  },
  {
    name: "sign-off asked in Slack and given with a check-mark reaction",
    task: task({}, [
      slack("anna", "Mon 03-10 10:00", "@Maya please sign off on the release notes when you get a sec", {
        mentions: ["maya"],
        reactions: { white_check_mark: ["maya"] },
      }),
    ]),
    raise: [],
  },
  {
    name: "sign-off asked in Slack, only an 'eyes' reaction",
    task: task({}, [
      slack("anna", "Mon 03-10 10:00", "@Maya please sign off on the release notes when you get a sec", {
        mentions: ["maya"],
        reactions: { eyes: ["maya"] },
      }),
    ]),
    raise: [{ kind: "missing_approval", waitingOn: ["maya"] }],
  },
  {
    name: "approval refused in the reply",
    task: task({}, [
      email("anna", "Mon 03-10 09:00", "Hi Dana, could you approve the new T&Cs wording?", {
        to: ["dana"],
        thread: "a4",
      }),
      email(
        "dana",
        "Mon 03-10 14:00",
        "I can't approve this as it is — the cancellation clause is wrong. Sending comments shortly.",
        { thread: "a4" },
      ),
    ]),
    raise: ["missing_approval", "feedback_off_board"],
  },
  {
    name: "a question about an approval, answered",
    task: task({}, [
      comment("ben", "Tue 03-11 10:00", "Has the client approved the mockups yet?"),
      comment("maya", "Tue 03-11 10:30", "Yes, Dana signed off yesterday."),
    ]),
    raise: [],
  },
  {
    name: "approval asked on the PR and given as a review",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Release 2.14 changelog"),
      comment(
        "anna",
        "Mon 03-10 09:05",
        "@ben could you approve when you get a sec? need this for the release",
        {
          mentions: ["ben"],
        },
      ),
      review("ben", "Mon 03-10 13:00", "approved"),
    ]),
    raise: [],
  },
  {
    name: "'approval' as a noun in a status update",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 13:00",
        "FYI the approval flow now emails the manager as well as the requester.",
      ),
    ]),
    raise: [],
  },
  {
    name: "changes requested, then only a comment review",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Parse uploaded invoices"),
      review("ben", "Mon 03-10 11:00", "changes_requested", "Needs tests for the empty file case."),
      review("ben", "Tue 03-11 10:00", "commented", "Better, but the empty case still throws."),
    ]),
    raise: ["missing_approval"],
  },
  {
    name: "'ok to merge?' answered 'yep go for it'",
    task: task({}, [
      slack("anna", "Mon 03-10 10:00", "ok to merge the export PR? @Ben", {
        thread: "m1",
        mentions: ["ben"],
      }),
      slack("ben", "Mon 03-10 10:20", "yep go for it", { thread: "m1" }),
    ]),
    raise: [],
  },
  {
    name: "'are we good to go?' answered 'not yet' by the client",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:00",
        "Hi Dana — staging has the new checkout. Are we good to go for Thursday?",
        { to: ["dana"], thread: "a5" },
      ),
      email(
        "dana",
        "Mon 03-10 15:00",
        "Not yet, our finance team still has to test refunds. I'll let you know.",
        { thread: "a5" },
      ),
    ]),
    raise: ["missing_approval", "feedback_off_board"],
    ignore: ["blocked_external"],
  },
  {
    name: "approval given with a typo",
    task: task({}, [
      slack("anna", "Mon 03-10 10:00", "@Maya can you approve the budget for the extra load tests?", {
        thread: "m2",
        mentions: ["maya"],
      }),
      slack("maya", "Mon 03-10 10:45", "aproved, go ahead", { thread: "m2" }),
    ]),
    raise: [],
  },
  {
    name: "approval asked by email of a teammate, not given",
    task: task({ assignee: "ben" }, [
      email(
        "anna",
        "Mon 03-10 09:30",
        "Hi Maya,\n\nCould you approve the extra budget for the load tests? We'd like to start on Thursday.\n\nThanks,\nAnna",
        { to: ["maya"], id: "ask" },
      ),
    ]),
    raise: [{ kind: "missing_approval", evidence: "ask", waitingOn: ["maya"] }],
  },
  {
    name: "approval asked of a teammate and the client at once",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:30",
        "Hi Dana, hi Maya,\n\nCould you approve the final copy so we can ship on Thursday?\n\nThanks,\nAnna",
        { to: ["dana", "maya"], id: "ask" },
      ),
    ]),
    // The client is asked too, but only Maya is the team's to chase.
    raise: [{ kind: "missing_approval", evidence: "ask", waitingOn: ["maya"] }],
  },
  {
    name: "PR with two requested reviewers and no review",
    task: task({ pr: { reviewers: ["ben", "kofi"] }, assignee: "maya", created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Move invoices to the new queue"),
    ]),
    // The assignee answers for the pull request; both reviewers must move.
    raise: [{ kind: "missing_approval", waitingOn: ["ben", "kofi"], owner: "maya" }],
  },
  {
    name: "sign-off asked in a reply to a teammate's thread",
    task: task({}, [
      slack("maya", "Mon 03-10 09:30", "Release notes for 2.14 are in the doc now", { thread: "rn" }),
      slack("anna", "Mon 03-10 10:00", "thanks! please sign off on the release notes when you get a sec", {
        thread: "rn",
      }),
    ]),
    // Named nobody, but it answers Maya in her thread: it waits on her.
    raise: [{ kind: "missing_approval", waitingOn: ["maya"] }],
  },
];
