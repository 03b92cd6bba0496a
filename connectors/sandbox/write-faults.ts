/**
 * A test's way to make a sandbox's next write fail with a 5xx, either before the write is saved (the source
 * did nothing) or after (the source saved it and the answer was lost): the two cases an idempotent action
 * must tell apart by looking (`find`) before it writes again.
 */
export type WriteFaultWhen = "before" | "after";

export interface WriteFault {
  when: WriteFaultWhen;
  status: 500 | 502 | 503 | 504;
}

export class WriteFaults {
  private next: WriteFault | null = null;
  /** How many writes were failed since the sandbox started, by when. */
  readonly served = { before: 0, after: 0 };

  /** Fails the next write with `status` (default 502), `before` or `after` it is saved. */
  failNext(when: WriteFaultWhen, status: WriteFault["status"] = 502): void {
    this.next = { when, status };
  }

  /** The status the write must answer at this point (and the fault is spent), or null. */
  take(when: WriteFaultWhen): WriteFault["status"] | null {
    if (!this.next || this.next.when !== when) return null;
    const { status } = this.next;
    this.next = null;
    this.served[when]++;
    return status;
  }
}
