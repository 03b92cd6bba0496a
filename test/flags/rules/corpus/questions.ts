import {
  type CorpusCase,
  comment,
  email,
  pullRequest,
  review,
  reviewComment,
  slack,
  task,
  teams,
} from "../builder.ts";

/** Questions, requests and things that only look like them. Unless a case says otherwise it is Wed 12 Mar, 15:00. */
export const questionCases: CorpusCase[] = [
  {
    name: "client asks for the export format by email, nobody replies",
    task: task({}, [
      email(
        "dana",
        "Mon 03-10 10:12",
        "Hi Anna,\n\nQuick one — what format do you need the export in? CSV or XLSX?\n\nThanks,\nDana\n\nDana Ruiz | Head of Operations | Brightside\n+44 20 7946 0958",
        { to: ["anna"], id: "q" },
      ),
    ]),
    raise: [
      { kind: "unanswered_question", evidence: "q", waitingOn: ["anna"], owner: "anna" },
      "feedback_off_board",
    ],
  },
  {
    name: "client's question answered by email",
    task: task({}, [
      email(
        "dana",
        "Mon 03-10 10:12",
        "Hi Anna,\n\nQuick one — what format do you need the export in? CSV or XLSX?\n\nThanks,\nDana",
        { to: ["anna"], thread: "e1" },
      ),
      email(
        "anna",
        "Mon 03-10 11:40",
        "Hi Dana, CSV is perfect — UTF-8 with a header row if possible. Thanks!",
        {
          to: ["dana"],
          thread: "e1",
        },
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "client's question answered on the ticket",
    task: task({}, [
      email("dana", "Mon 03-10 10:12", "Hi Anna, what format do you need the export in? CSV or XLSX?", {
        to: ["anna"],
      }),
      comment(
        "anna",
        "Tue 03-11 09:30",
        "Dana confirmed by email they want CSV (UTF-8, header row). Going with that.",
      ),
    ]),
    raise: [],
  },
  {
    name: "QA asks the assignee on the ticket, no reply",
    task: task({}, [
      comment(
        "quinn",
        "Tue 03-11 10:00",
        "[~Anna Kowalski] the reset link 404s on staging for me — is that expected or am I on the wrong build?",
        { mentions: ["anna"], id: "q" },
      ),
    ]),
    raise: [{ kind: "unanswered_question", evidence: "q", waitingOn: ["anna"], owner: "anna" }],
  },
  {
    name: "a teammate's question from this morning is not overdue yet",
    task: task({}, [
      comment("ben", "Wed 03-12 11:00", "Anna, can you remind me which feature flag gates the new checkout?"),
    ]),
    raise: [],
  },
  {
    name: "question in Slack answered in the thread",
    task: task({}, [
      slack("ben", "Mon 03-10 16:05", "does anyone know why the nightly import is failing with ECONNRESET?", {
        thread: "t1",
      }),
      slack("anna", "Tue 03-11 09:12", "yeah it's the corporate proxy again, I've bumped the timeout", {
        thread: "t1",
      }),
    ]),
    raise: [],
  },
  {
    name: "sarcastic question is not a request",
    task: task({}, [
      comment(
        "anna",
        "Mon 03-10 14:00",
        "Great, another flaky test in the checkout suite?? Love that for us. Quarantined it, will fix properly tomorrow.",
      ),
    ]),
    raise: [],
  },
  {
    name: "rhetorical question followed by the fix",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 11:00",
        "Who decided Friday deploys were a good idea? 🙃 Anyway, rolled back and all green again.",
      ),
    ]),
    raise: [],
  },
  {
    name: "question answered by the asker in the same message",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 11:30",
        "Do we need a migration for this? Nope — the column is already nullable, ignore me.",
      ),
    ]),
    raise: [],
  },
  {
    name: "'let me know if you have any questions' is not a question",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 10:00",
        "Hi Dana,\n\nAttached are the mockups for the new onboarding flow. Let me know if you have any questions!\n\nBest,\nAnna",
        { to: ["dana"] },
      ),
    ]),
    raise: [],
  },
  {
    name: "client asks for a mobile preview by Friday",
    task: task({}, [
      email(
        "dana",
        "Mon 03-10 17:20",
        "Thanks Anna, these look great. Any chance we could see the mobile version by Friday?",
        { to: ["anna"] },
      ),
    ]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "Slack guest asks with typos and no question mark",
    task: task({}, [
      slack("tom", "Tue 03-11 09:00", "hey cn u send me the staging url again pls, lost it 🙈"),
    ]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "our question is quoted in the client's answer",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 16:20",
        "Hi Dana, should we keep the legacy export button for now, or hide it?\n\nThanks,\nAnna",
        { thread: "e1", to: ["dana"] },
      ),
      email(
        "dana",
        "Tue 03-11 08:55",
        "Keep it for now please, we'll revisit in April.\n\nOn Mon, 10 Mar 2025 at 16:20, Anna Kowalski <anna@acme.dev> wrote:\n> Hi Dana, should we keep the legacy export button for now, or hide it?\n>\n> Thanks,\n> Anna",
        { thread: "e1" },
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "Outlook reply header: the old question below it is not new",
    task: task({}, [
      email(
        "anna",
        "Tue 03-11 17:02",
        "Hi Dana,\n\nDoes the new wording work for you? Any changes?\n\nAnna",
        {
          to: ["dana"],
        },
      ),
      email(
        "dana",
        "Wed 03-12 09:00",
        "Hi all, we're fine with the new wording.\n\nDana\n\nFrom: Anna Kowalski <anna@acme.dev>\nSent: Tuesday, March 11, 2025 5:02 PM\nTo: Dana Ruiz <dana@brightside.co>\nSubject: RE: Pricing page copy\n\nHi Dana,\n\nDoes the new wording work for you? Any changes?\n\nAnna",
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "client's 'any update?' goes unanswered",
    task: task({}, [email("dana", "Mon 03-10 10:00", "Any update on this?", { id: "q" })]),
    // Put to nobody in particular: the assignee answers, nobody else is waited on.
    raise: [
      { kind: "unanswered_question", evidence: "q", waitingOn: [], owner: "anna" },
      "feedback_off_board",
    ],
  },
  {
    name: "client asks in a shared channel, answered there and noted on the ticket",
    task: task({}, [
      slack("raj", "Mon 03-10 10:30", "any news on the invoice export? finance is asking", { thread: "s1" }),
      slack("anna", "Mon 03-10 11:02", "Should be on staging tomorrow, I'll ping you here", { thread: "s1" }),
      comment("anna", "Mon 03-10 11:05", "Raj asked for an ETA in Slack; told him staging tomorrow."),
    ]),
    raise: [],
  },
  {
    name: "a URL with a query string is not a question",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 14:00",
        "Repro: https://staging.acme.dev/reports?range=30d&format=csv — the totals are off by one for February.",
      ),
    ]),
    raise: [],
  },
  {
    name: "question marks inside code are not questions",
    task: task({}, [
      comment(
        "anna",
        "Tue 03-11 10:00",
        "Fixed in the parser:\n```\nconst q = params.get('q') ?? defaultQuery?.trim();\n```\nDeployed to staging.",
      ),
    ]),
    raise: [],
  },
  {
    name: "review comment question on an approved PR, unanswered",
    task: task({ pr: { reviewers: ["ben"] }, created: "Thu 03-06 10:00" }, [
      pullRequest("anna", "Thu 03-06 10:00", "Retry failed webhook deliveries"),
      review("ben", "Fri 03-07 11:00", "approved", "LGTM, one question inline"),
      reviewComment(
        "ben",
        "Fri 03-07 11:02",
        "Why are we swallowing this error here? Feels like we'd lose the stack trace in Sentry.",
        { id: "q" },
      ),
    ]),
    raise: [{ kind: "unanswered_question", evidence: "q" }, "stale"],
  },
  {
    name: "musing is not a request",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 15:00",
        "I wonder whether we should rethink the caching layer at some point, it's getting hairy.",
      ),
    ]),
    raise: [],
  },
  {
    name: "polite request without a question mark",
    task: task({}, [
      email(
        "dana",
        "Mon 03-10 11:00",
        "Hi Anna,\nCould you please send over the final invoice breakdown when you get a moment.\nThanks\nDana",
      ),
    ]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "QA asks to confirm the browser scope",
    task: task({}, [
      comment(
        "quinn",
        "Tue 03-11 09:30",
        "Please confirm which browsers are in scope for this release, the test plan only lists Chrome.",
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "@-mention with a request and no question mark",
    task: task({}, [
      slack("ben", "Mon 03-10 12:00", "@Anna the sandbox API keys pls, need them for the webhook tests", {
        mentions: ["anna"],
      }),
    ]),
    raise: [{ kind: "unanswered_question", waitingOn: ["anna"] }],
  },
  {
    name: "guest's question answered by another team member",
    task: task({}, [
      slack("tom", "Tue 03-11 10:00", "is staging down? getting a 502 on login", { thread: "s2" }),
      slack("ben", "Tue 03-11 10:06", "yep, redeploying, give it 10 min", { thread: "s2" }),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "client bumps her own unanswered question",
    task: task({}, [
      email("dana", "Mon 03-10 09:40", "Hi Anna, did you get a chance to look at the SSO config we sent?", {
        thread: "e2",
        id: "q",
      }),
      email("dana", "Tue 03-11 14:10", "Just bumping this 🙏", { thread: "e2" }),
    ]),
    raise: [{ kind: "unanswered_question", evidence: "q" }, "feedback_off_board"],
  },
  {
    name: "an automatic acknowledgement is not an answer",
    task: task({}, [
      comment(
        "dana",
        "Mon 03-10 10:00",
        "Can you tell us when the export will be ready? Our auditors need it by the 20th.",
      ),
      comment(
        "jiraBot",
        "Mon 03-10 10:01",
        "Thanks for your comment. A member of the team will respond shortly.",
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "a thumbs-up answers a yes/no question in chat",
    task: task({}, [
      slack("ben", "Mon 03-10 10:15", "@Anna ok if I rebase your branch onto main before the demo?", {
        mentions: ["anna"],
        reactions: { "+1": ["anna"] },
      }),
    ]),
    raise: [],
  },
  {
    name: "we asked the client to confirm a date, no answer",
    task: task({}, [
      email(
        "anna",
        "Mon 03-10 09:05",
        "Hi Dana,\n\ncould you confirm the go-live date is still the 24th? We'd like to book the deploy window.\n\nThanks,\nAnna",
        { to: ["dana"] },
      ),
    ]),
    // We asked the client: nobody in the team is waited on, and Anna chases it.
    raise: [{ kind: "unanswered_question", waitingOn: [], owner: "anna" }],
  },
  {
    name: "'Why? Because…' answers itself",
    task: task({}, [
      comment(
        "anna",
        "Mon 03-10 15:00",
        "Quick update: the export now handles 50k rows. Why? Because we stream it instead of buffering everything in memory.",
      ),
    ]),
    raise: [],
  },
  {
    name: "proposal ending in 'Thoughts?' gets no reaction",
    task: task({}, [
      comment(
        "ben",
        "Mon 03-10 10:00",
        "Proposal: we drop IE11 from the support matrix for this release. Usage is under 0.3%. Thoughts?",
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "'Any questions, shout' is an offer",
    task: task({}, [
      teams("maya", "Mon 03-10 11:00", "Demo recording is on the drive. Any questions, shout."),
    ]),
    raise: [],
  },
  {
    name: "asked in Slack, answered on the ticket",
    task: task({}, [
      slack("quinn", "Tue 03-11 09:00", "is this one ready for retest?"),
      comment("anna", "Tue 03-11 11:30", "Ready for retest on staging build 481."),
    ]),
    raise: [],
  },
  {
    name: "a question mark in the client's signature",
    task: task({}, [
      email(
        "dana",
        "Tue 03-11 09:00",
        "Hi team,\n\nAll good on our end, we approved the copy deck this morning.\n\nBest,\nDana\n--\nDana Ruiz\nBrightside | Need help? Visit help.brightside.co",
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "double question marks, nobody answers",
    task: task({}, [slack("ben", "Mon 03-10 09:30", "anyone know why the build is red on main??")]),
    raise: ["unanswered_question"],
  },
  {
    name: "review nit phrased as a question",
    task: task({ pr: { reviewers: ["ben"] }, created: "Mon 03-10 09:00" }, [
      pullRequest("anna", "Mon 03-10 09:00", "Tidy the export helpers"),
      review("ben", "Mon 03-10 10:00", "approved", "Nice cleanup."),
      reviewComment("ben", "Mon 03-10 10:01", "nit: maybe call this `exportRows`?"),
    ]),
    raise: [],
  },
  {
    name: "QA unsure whether a behaviour is expected",
    task: task({}, [
      comment(
        "quinn",
        "Tue 03-11 09:00",
        "Not sure if this is expected? The modal closes when I press Tab on the last field.",
      ),
    ]),
    raise: ["unanswered_question"],
  },
  {
    name: "frustrated client question",
    task: task({}, [
      email(
        "dana",
        "Tue 03-11 08:30",
        "Why is the dashboard taking 30 seconds to load?! This is the third time this week.",
      ),
    ]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "sarcastic complaint from the client is feedback, not a question",
    task: task({}, [
      teams("dana", "Tue 03-11 09:15", "Oh wonderful, login broken again? Fantastic start to the week."),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "teammate asks whether the client sent the logos",
    task: task({}, [
      comment("ben", "Mon 03-10 10:00", "@Anna did Dana ever send the logo files?", { mentions: ["anna"] }),
    ]),
    raise: [{ kind: "unanswered_question", waitingOn: ["anna"], owner: "anna" }],
  },
  {
    name: "a bot's question is not a question",
    task: task({}, [
      comment(
        "jiraBot",
        "Mon 03-10 09:30",
        "Is this issue still relevant? It will be closed in 7 days if there's no activity.",
      ),
    ]),
    raise: [],
  },
  {
    name: "client asks for an ETA without a question mark",
    task: task({}, [slack("raj", "Tue 03-11 09:40", "whats the eta on the csv thing")]),
    raise: ["unanswered_question", "feedback_off_board"],
  },
  {
    name: "'any update?' answered with 'not yet', waiting on the client",
    task: task({}, [
      email("dana", "Mon 03-10 10:00", "Any update on the SSO piece?", { thread: "e3" }),
      email(
        "anna",
        "Mon 03-10 12:00",
        "Not yet — waiting on your IdP metadata, should have it sorted tomorrow once it arrives.",
        { thread: "e3" },
      ),
    ]),
    raise: ["feedback_off_board", "blocked_external"],
  },
  {
    name: "a forwarded message's question is not the sender's",
    task: task({}, [
      email(
        "raj",
        "Tue 03-11 10:00",
        "Looping in Dana.\n\n---------- Forwarded message ---------\nFrom: Anna Kowalski <anna@acme.dev>\nDate: Mon, 10 Mar 2025 at 15:00\nSubject: Export format\nTo: Raj Mehta <raj@brightside.co>\n\nCan you confirm whether the export needs the VAT column?",
      ),
    ]),
    raise: ["feedback_off_board"],
  },
  {
    name: "client question two months old on a closed task is history",
    task: task({ status: "Done", board: "Mon 2025-01-06 10:00", created: "Mon 2024-12-02 09:00" }, [
      email("dana", "Tue 2025-01-07 10:00", "Just noticed the totals row is bold, is that intended?"),
    ]),
    raise: [],
  },
  {
    name: "the assignee's question to a mentioned colleague",
    task: task({}, [
      slack("anna", "Mon 03-10 11:00", "@Ben which retry policy does the webhook client use in production?", {
        mentions: ["ben", "anna"],
        id: "q",
      }),
    ]),
    // Anna asked: it waits on Ben, never on her.
    raise: [{ kind: "unanswered_question", evidence: "q", waitingOn: ["ben"], owner: "ben" }],
  },
  {
    name: "a question to two colleagues, a client and a bot names the colleagues",
    task: task({}, [
      comment(
        "quinn",
        "Tue 03-11 09:00",
        "@Maya @Dana @Ben is the refund flow in scope for this release? The test plan doesn't say.",
        { mentions: ["maya", "dana", "jiraBot", "ben", "maya"], id: "q" },
      ),
    ]),
    raise: [{ kind: "unanswered_question", evidence: "q", waitingOn: ["maya", "ben"] }],
  },
  {
    name: "a question replying in a thread a colleague started",
    task: task({}, [
      slack("maya", "Mon 03-10 09:00", "Deployed the new export to staging 🎉", { thread: "r1" }),
      slack("ben", "Mon 03-10 09:40", "does it include the VAT column already?", { thread: "r1", id: "q" }),
    ]),
    // Put to nobody by name, but it answers Maya's message: it waits on her; the assignee answers for it.
    raise: [{ kind: "unanswered_question", evidence: "q", waitingOn: ["maya"], owner: "anna" }],
  },
  {
    name: "a client's question replying to our email",
    task: task({}, [
      email("anna", "Mon 03-10 09:00", "Hi Dana, the new invoice layout is on staging now.", {
        to: ["dana"],
        thread: "r2",
      }),
      email("dana", "Mon 03-10 11:00", "Thanks! Can the logo in the header be a bit larger?", {
        thread: "r2",
        id: "q",
      }),
    ]),
    raise: [
      { kind: "unanswered_question", evidence: "q", waitingOn: ["anna"], owner: "anna" },
      "feedback_off_board",
    ],
  },
];
