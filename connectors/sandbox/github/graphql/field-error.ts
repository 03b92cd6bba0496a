/**
 * A resolver's refusal, reported at its field (which becomes null) with GitHub's `type`, as in
 * `{"type":"NOT_FOUND","path":["repository"],"locations":[…],"message":"Could not resolve to a Repository…"}`.
 */
export class GithubFieldError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}
