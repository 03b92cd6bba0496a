/**
 * What a page of Gmail history asks of the pull (pure): the last change to each message decides.
 */
import { describe, expect, it } from "vitest";
import { toHistoryChanges } from "../../../connectors/gmail/history-changes.ts";
import type { GmailHistoryPage } from "../../../connectors/gmail/schemas.ts";

const ref = (id: string) => ({ message: { id, threadId: id } });
const labels = (id: string, labelIds: string[]) => ({ ...ref(id), labelIds });
const page = (history: NonNullable<GmailHistoryPage["history"]>): GmailHistoryPage => ({
  history,
  historyId: "900",
});

describe("toHistoryChanges", () => {
  const cases: Array<{
    name: string;
    history: NonNullable<GmailHistoryPage["history"]>;
    query: boolean;
    expected: ReturnType<typeof toHistoryChanges>;
  }> = [
    {
      name: "new mail is read; mail moved to Trash or Spam leaves; mail deleted is gone",
      history: [
        { id: "1", messagesAdded: [ref("a")] },
        { id: "2", labelsAdded: [labels("b", ["TRASH"])] },
        { id: "3", labelsAdded: [labels("c", ["SPAM"])] },
        { id: "4", messagesDeleted: [ref("d")] },
      ],
      query: false,
      expected: { added: ["a"], relabelled: [], rescued: [], binned: ["b", "c"], deleted: ["d"] },
    },
    {
      name: "the last change wins: added then binned leaves, binned then rescued comes back",
      history: [
        { id: "1", messagesAdded: [ref("a")] },
        { id: "2", labelsAdded: [labels("a", ["SPAM"])] },
        { id: "3", labelsAdded: [labels("b", ["TRASH"])] },
        { id: "4", labelsRemoved: [labels("b", ["TRASH"])] },
      ],
      query: false,
      expected: { added: [], relabelled: ["b"], rescued: ["b"], binned: ["a"], deleted: [] },
    },
    {
      name: "a deletion is final within the page",
      history: [
        { id: "1", messagesDeleted: [ref("a")] },
        { id: "2", labelsRemoved: [labels("a", ["SPAM"])] },
      ],
      query: false,
      expected: { added: [], relabelled: [], rescued: [], binned: [], deleted: ["a"] },
    },
    {
      name: "other label changes matter only for a query, and reading (UNREAD) never",
      history: [
        { id: "1", labelsAdded: [labels("a", ["Label_7"])] },
        { id: "2", labelsRemoved: [labels("b", ["UNREAD"])] },
      ],
      query: false,
      expected: { added: [], relabelled: [], rescued: [], binned: [], deleted: [] },
    },
    {
      name: "with a query, a relabelled message is read again; a new one stays new",
      history: [
        { id: "1", messagesAdded: [ref("n")] },
        { id: "2", labelsAdded: [labels("n", ["Label_7"]), labels("a", ["Label_7"])] },
        { id: "3", labelsRemoved: [labels("b", ["UNREAD"])] },
      ],
      query: true,
      expected: { added: ["n"], relabelled: ["a"], rescued: [], binned: [], deleted: [] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(toHistoryChanges(page(c.history), { query: c.query })).toEqual(c.expected);
    });
  }
});
