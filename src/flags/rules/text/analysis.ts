import type { SnapshotItem } from "../../../model/task-snapshot.ts";
import {
  type ApprovalStance,
  findApprovalRequest,
  mayAskForApproval,
  toApprovalStance,
} from "./approvals.ts";
import { type BlockerSignal, mayTellOfWaiting, toBlockerSignals } from "./blockers.ts";
import { type Sentences, toNewText, toPlain, toSentenceSetOfNewText } from "./clean.ts";
import { type DeploySignal, mayTellOfDeployment, toDeploySignal } from "./deployments.ts";
import { findQuestion, isAcknowledgementOnly, isAutoReply } from "./questions.ts";

/**
 * How much of an item's text the rules read: a question, an approval or a blocker is said near the start,
 * and what runs past this (pasted logs, quoted history, hostile padding) is left unanalysed so that no
 * message can hold up a recompute.
 */
export const RULES_TEXT_BUDGET = 20_000;

const withinBudget = (text: string) =>
  text.length > RULES_TEXT_BUDGET ? text.slice(0, RULES_TEXT_BUDGET) : text;

const NO_SIGNALS: BlockerSignal[] = [];

/**
 * What the text of one item says, worked out once however many rules ask: each answer is computed on first
 * use and kept with the analysis (see `textOf` for how long). Most messages say nothing about waiting, shipping
 * or approving: a finder first looks for its hint words in the whole new text, and only a text that has one is
 * split into sentences.
 */
export class ItemText {
  #newText: string | undefined;
  #plainText: string | undefined;
  #sentences: Sentences | undefined;
  #question: string | null | undefined;
  #approvalRequest: string | null | undefined;
  #stance: ApprovalStance | undefined;
  #blockers: BlockerSignal[] | undefined;
  #deploy: DeploySignal | undefined;
  #acknowledgement: boolean | undefined;
  #autoReply: boolean | undefined;

  constructor(readonly text: string) {}

  /** What the writer wrote in this message (text/clean.ts), within the budget. */
  get newText(): string {
    this.#newText ??= toNewText(withinBudget(this.text));
    return this.#newText;
  }
  /** The new text with plain apostrophes and dashes, as the sentences' `plain` have them. */
  get plainText(): string {
    this.#plainText ??= toPlain(this.newText);
    return this.#plainText;
  }
  get sentences(): Sentences {
    this.#sentences ??= toSentenceSetOfNewText(this.newText);
    return this.#sentences;
  }
  /** The sentence that asks something (text/questions.ts), or null. */
  get question(): string | null {
    if (this.#question === undefined) this.#question = findQuestion(this.sentences);
    return this.#question;
  }
  /** The sentence that asks for an approval (text/approvals.ts), or null. */
  get approvalRequest(): string | null {
    if (this.#approvalRequest === undefined)
      this.#approvalRequest = mayAskForApproval(this.plainText) ? findApprovalRequest(this.sentences) : null;
    return this.#approvalRequest;
  }
  get approvalStance(): ApprovalStance {
    if (this.#stance === undefined) this.#stance = toApprovalStance(this.sentences);
    return this.#stance;
  }
  get blockerSignals(): BlockerSignal[] {
    this.#blockers ??= mayTellOfWaiting(this.plainText) ? toBlockerSignals(this.sentences) : NO_SIGNALS;
    return this.#blockers;
  }
  get deploySignal(): DeploySignal {
    if (this.#deploy === undefined)
      this.#deploy = mayTellOfDeployment(this.plainText) ? toDeploySignal(this.sentences) : null;
    return this.#deploy;
  }
  get isAcknowledgement(): boolean {
    this.#acknowledgement ??= isAcknowledgementOnly(this.sentences);
    return this.#acknowledgement;
  }
  get isAutoReply(): boolean {
    this.#autoReply ??= isAutoReply(withinBudget(this.text));
    return this.#autoReply;
  }
}

/** How many items' analyses are kept between evaluations, at most: the items of the tasks recently recomputed. */
export const TEXT_CACHE_SIZE = 25_000;

/**
 * Analyses by item id in two generations: a hit in the older one moves up, and when the newer one is full
 * the older one is dropped, so the items not asked for in a while go first and at most `TEXT_CACHE_SIZE`
 * are kept. An entry counts only while the item's text is the one it analysed (an edited item is analysed
 * afresh); the analysis depends on the text alone, so a hit gives what a fresh analysis would. A task
 * recomputed after a change thus re-reads only the items that changed.
 */
let newer = new Map<string, ItemText>();
let older = new Map<string, ItemText>();

/** The analysis of an item's text. */
export function textOf(item: SnapshotItem): ItemText {
  // Each rule asks again for the same items: the first lookup answers them (the text is the same string).
  let analysis = newer.get(item.id);
  if (analysis !== undefined && analysis.text === item.text) return analysis;
  const old = older.get(item.id);
  analysis = old !== undefined && old.text === item.text ? old : new ItemText(item.text);
  if (newer.size >= TEXT_CACHE_SIZE / 2) {
    older = newer;
    newer = new Map();
  }
  newer.set(item.id, analysis);
  return analysis;
}
