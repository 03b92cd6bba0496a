import type { SnapshotItem } from "../../model/task-snapshot.ts";
import { type ApprovalStance, findApprovalRequest, toApprovalStance } from "./approvals.ts";
import { type BlockerSignal, toBlockerSignals } from "./blockers.ts";
import { type Sentences, toSentenceSet } from "./clean.ts";
import { type DeploySignal, toDeploySignal } from "./deployments.ts";
import { findQuestion, isAcknowledgementOnly, isAutoReply } from "./questions.ts";

/**
 * What the text of one item says, worked out once however many rules ask: each answer is computed on first
 * use and kept with the item (a snapshot's items are not shared between evaluations that could differ).
 */
export class ItemText {
  #sentences: Sentences | undefined;
  #question: string | null | undefined;
  #approvalRequest: string | null | undefined;
  #stance: ApprovalStance | undefined;
  #blockers: BlockerSignal[] | undefined;
  #deploy: DeploySignal | undefined;
  #acknowledgement: boolean | undefined;
  #autoReply: boolean | undefined;

  constructor(readonly text: string) {}

  get sentences(): Sentences {
    this.#sentences ??= toSentenceSet(this.text);
    return this.#sentences;
  }
  /** The sentence that asks something (text/questions.ts), or null. */
  get question(): string | null {
    if (this.#question === undefined) this.#question = findQuestion(this.sentences);
    return this.#question;
  }
  /** The sentence that asks for an approval (text/approvals.ts), or null. */
  get approvalRequest(): string | null {
    if (this.#approvalRequest === undefined) this.#approvalRequest = findApprovalRequest(this.sentences);
    return this.#approvalRequest;
  }
  get approvalStance(): ApprovalStance {
    if (this.#stance === undefined) this.#stance = toApprovalStance(this.sentences);
    return this.#stance;
  }
  get blockerSignals(): BlockerSignal[] {
    this.#blockers ??= toBlockerSignals(this.sentences);
    return this.#blockers;
  }
  get deploySignal(): DeploySignal {
    if (this.#deploy === undefined) this.#deploy = toDeploySignal(this.sentences);
    return this.#deploy;
  }
  get isAcknowledgement(): boolean {
    this.#acknowledgement ??= isAcknowledgementOnly(this.sentences);
    return this.#acknowledgement;
  }
  get isAutoReply(): boolean {
    this.#autoReply ??= isAutoReply(this.text);
    return this.#autoReply;
  }
}

const memo = new WeakMap<SnapshotItem, ItemText>();

/** The analysis of an item's text. */
export function textOf(item: SnapshotItem): ItemText {
  let analysis = memo.get(item);
  if (!analysis || analysis.text !== item.text) {
    analysis = new ItemText(item.text);
    memo.set(item, analysis);
  }
  return analysis;
}
