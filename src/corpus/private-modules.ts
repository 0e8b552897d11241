/** One private repository of a project's snapshot: a full mirror of the remote, served in the run under the remote's own host. */
export interface PrivateRepo {
  /** The import path prefix the repository holds (what a `go-import` tag names). */
  modulePath: string;
  /** Where go fetched it from, before the user's `insteadOf` rewrites (cmd/go records this URL). */
  remote: string;
  /** The remote's host and path: where the run's code host serves it. */
  gitHost: string;
  urlPath: string;
  /** The bare mirror, relative to the snapshot's folder. */
  mirror: string;
  /** The private modules it holds. */
  modules: string[];
}

/** What a snapshot keeps of the user's private modules (GOPRIVATE / GONOPROXY). */
export interface PrivateModules {
  /** GOPRIVATE (and GONOPROXY / GONOSUMDB where the user set them apart from it), for every trial. */
  env: Record<string, string>;
  repos: PrivateRepo[];
}
