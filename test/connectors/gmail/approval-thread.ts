/**
 * A client's approval asked for by email and answered under the client's address, with Gmail's verdict on
 * that answer as the test chooses: Dan has written before (genuinely), Ana asks him on Monday to approve
 * FAL-12's release, "Approved, go ahead." comes back an hour later.
 */
import { GmailDataset } from "../../../connectors/sandbox/gmail/index.ts";
import { PEOPLE } from "./helpers.ts";

const DAY = 86_400_000;
// Monday 2 March 2026, 09:00 UTC: the request; the flags are judged on Friday, past the two working days.
export const APPROVAL_ASKED = new Date("2026-03-02T09:00:00Z");
export const APPROVAL_JUDGED = new Date(APPROVAL_ASKED.getTime() + 4 * DAY);

export function buildApprovalThread(authenticationResults: (from: string) => string): GmailDataset {
  const data = new GmailDataset({ mailbox: PEOPLE.ana.address, now: APPROVAL_ASKED.getTime() - DAY });
  // Dan has written before, genuinely: his person exists, by his address.
  data.send({
    from: PEOPLE.dan,
    to: [PEOPLE.ana],
    subject: "Release notes (FAL-12)",
    text: "Hi Ana,\n\nThe draft reads well so far.\n\nDan",
  });
  data.now = APPROVAL_ASKED.getTime();
  const request = data.send({
    from: PEOPLE.ana,
    to: [PEOPLE.dan],
    subject: "FAL-12 release sign-off",
    text: "Hi Dan,\n\nthe 2.3 release is ready. Could you approve it so we can ship on Thursday?\n\nAna",
  });
  data.advance(3_600_000);
  data.reply(request, {
    from: PEOPLE.dan,
    to: [PEOPLE.ana],
    text: "Approved, go ahead.",
    headers: { "Authentication-Results": authenticationResults(PEOPLE.dan.address) },
  });
  data.now = APPROVAL_JUDGED.getTime() - 3_600_000;
  return data;
}
