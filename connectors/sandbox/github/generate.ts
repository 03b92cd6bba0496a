/**
 * A large, deterministic data set for efficiency tests and benchmarks: issues, pull requests, comments,
 * reviews, review comments and deployments spread over a time span, as a busy repository has them.
 */
import { type RepoHandle, toGithubTime } from "./dataset.ts";

export interface GenerateOptions {
  issues: number;
  pulls: number;
  /** Conversation comments in all, spread over issues and pull requests. */
  comments: number;
  reviewsPerPull?: number;
  reviewCommentsPerPull?: number;
  deployments?: number;
  people?: string[];
  /** The first creation time; everything happens within `days` after it. */
  start?: string;
  days?: number;
  seed?: number;
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `repo` with the counts asked for; times are distinct seconds, ascending in creation order. */
export function generateRepository(repo: RepoHandle, options: GenerateOptions): void {
  const rand = random(options.seed ?? 7);
  const people = options.people ?? ["anna", "ben", "kofi-m", "maya", "quinn"];
  const who = () => people[Math.floor(rand() * people.length)]!;
  const start = Date.parse(options.start ?? "2025-01-06T08:00:00Z");
  const span = (options.days ?? 60) * 86_400_000;
  const tasks = options.issues + options.pulls;
  // Tasks are created over the first half of the span, in order; activity follows them.
  const createdAt = (i: number) =>
    toGithubTime(new Date(start + Math.floor((i / Math.max(1, tasks)) * (span / 2))));
  const numbers: number[] = [];
  const pulls: number[] = [];
  for (let i = 0; i < tasks; i++) {
    const isPull =
      i % Math.max(1, Math.round(tasks / Math.max(1, options.pulls))) === 0 && pulls.length < options.pulls;
    const at = createdAt(i);
    if (isPull || numbers.length - pulls.length >= options.issues) {
      const pr = repo.pullRequest({
        title: `Change ${i}: WEB-${100 + i}`,
        body: `Implements WEB-${100 + i}.`,
        author: who(),
        head: `feature/WEB-${100 + i}-change`,
        requestedReviewers: [who()],
        createdAt: at,
      });
      pulls.push(pr.number);
      numbers.push(pr.number);
    } else {
      numbers.push(
        repo.issue({ title: `Issue ${i}`, body: `Details of issue ${i}.`, author: who(), createdAt: at })
          .number,
      );
    }
  }
  // Activity at distinct seconds over the second half of the span, comments, reviews, review comments and
  // deployments interleaved, so `updated_at` order is total and no stretch of time is crowded.
  const events: Array<() => (at: string) => void> = [];
  for (let i = 0; i < options.comments; i++) {
    events.push(() => {
      const number = numbers[Math.floor(rand() * numbers.length)]!;
      return (at) => void repo.comment(number, { author: who(), body: `Comment ${i} on #${number}.`, at });
    });
  }
  for (const number of pulls) {
    for (let r = 0; r < (options.reviewsPerPull ?? 1); r++) {
      events.push(
        () => (at) =>
          void repo.review(number, {
            author: who(),
            state: r % 2 === 0 ? "COMMENTED" : "APPROVED",
            body: `Review ${r}`,
            at,
          }),
      );
    }
    for (let r = 0; r < (options.reviewCommentsPerPull ?? 0); r++) {
      events.push(
        () => (at) =>
          void repo.reviewComment(number, {
            author: who(),
            body: `Nit ${r}`,
            path: "src/app.ts",
            line: r + 1,
            at,
          }),
      );
    }
  }
  for (let d = 0; d < (options.deployments ?? 0); d++) {
    events.push(() => (at) => {
      const deployment = repo.deployment({
        environment: d % 3 === 0 ? "production" : "staging",
        creator: "github-actions[bot]",
        at,
      });
      repo.deploymentStatus(deployment.id, {
        state: "success",
        at: toGithubTime(new Date(Date.parse(at) + 1000)),
      });
    });
  }
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  const step = Math.max(2_000, Math.floor(span / 2 / Math.max(1, events.length) / 1000) * 1000);
  for (const [i, event] of events.entries())
    event()(toGithubTime(new Date(start + span / 2 + (i + 1) * step)));
}
