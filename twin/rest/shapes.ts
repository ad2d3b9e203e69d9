import type {
  Account,
  CheckRunRecord,
  CommentRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  IssueRecord,
  ReactionRecord,
  RepoRecord,
  StatusRecord,
} from "../state.js";
import { fullName } from "../state.js";
import type { GitCommit } from "../git/git-repo.js";

/** The twin's own addresses: the REST base (`/api/v3`) and the web base, as on GitHub Enterprise Server. */
export interface Urls {
  readonly api: string;
  readonly web: string;
}

export type Json = Record<string, unknown>;

export function userJson(urls: Urls, user: Account): Json {
  const api = `${urls.api}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: `${urls.web}/avatars/u/${user.id}`,
    gravatar_id: "",
    url: api,
    html_url: `${urls.web}/${user.type === "Bot" ? `apps/${user.login.replace(/\[bot\]$/, "")}` : user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** GitHub's `organization-simple`, as webhooks name the organization that owns the repository. */
export function orgJson(urls: Urls, org: Account): Json {
  const api = `${urls.api}/orgs/${encodeURIComponent(org.login)}`;
  return {
    login: org.login,
    id: org.id,
    node_id: org.nodeId,
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${urls.web}/avatars/u/${org.id}`,
    description: null,
  };
}

export function repoUrl(urls: Urls, repo: RepoRecord): string {
  return `${urls.api}/repos/${fullName(repo)}`;
}

/** One repository object that satisfies GitHub's repository, full-repository and minimal-repository shapes. */
export function repoJson(urls: Urls, repo: RepoRecord): Json {
  const api = repoUrl(urls, repo);
  const html = `${urls.web}/${fullName(repo)}`;
  const host = new URL(urls.web).host;
  const openIssues = [...repo.issues.values()].filter((issue) => issue.state === "open").length;
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: fullName(repo),
    owner: userJson(urls, repo.owner),
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    html_url: html,
    description: null,
    fork: repo.parent !== undefined,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${fullName(repo)}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${fullName(repo)}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    subscribers_count: 0,
    network_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_rebase_merge: repo.allowRebaseMerge,
    allow_squash_merge: repo.allowSquashMerge,
    allow_merge_commit: repo.allowMergeCommit,
    allow_auto_merge: repo.allowAutoMerge,
    delete_branch_on_merge: repo.deleteBranchOnMerge,
    allow_update_branch: false,
    allow_forking: false,
    web_commit_signoff_required: false,
    license: null,
  };
}

export function gitCommitJson(urls: Urls, repo: RepoRecord, commit: GitCommit): Json {
  const api = repoUrl(urls, repo);
  return {
    sha: commit.sha,
    node_id: `C_${commit.sha}`,
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${urls.web}/${fullName(repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    message: commit.message.replace(/\n$/, ""),
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${urls.web}/${fullName(repo)}/commit/${sha}`,
    })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

/** GitHub's `simple-commit`: a commit as push events and workflow runs name their head. */
export function simpleCommitJson(commit: GitCommit): Json {
  return {
    id: commit.sha,
    tree_id: commit.tree,
    message: commit.message.replace(/\n$/, ""),
    timestamp: commit.committer.date,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

/** The `commit` shape of the commits and compare APIs. */
export function commitJson(urls: Urls, repo: RepoRecord, commit: GitCommit): Json {
  const api = repoUrl(urls, repo);
  const html = `${urls.web}/${fullName(repo)}/commit/${commit.sha}`;
  return {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: `C_${commit.sha}`,
    html_url: html,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: commit.author,
      committer: commit.committer,
      message: commit.message.replace(/\n$/, ""),
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: {
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${urls.web}/${fullName(repo)}/commit/${sha}`,
    })),
  };
}

export function reactionJson(urls: Urls, reaction: ReactionRecord): Json {
  return {
    id: reaction.id,
    node_id: reaction.nodeId,
    user: userJson(urls, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt,
  };
}

export function reactionRollup(url: string, reactions: readonly ReactionRecord[]): Json {
  const count = (content: string): number => reactions.filter((r) => r.content === content).length;
  return {
    url,
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    confused: count("confused"),
    heart: count("heart"),
    hooray: count("hooray"),
    eyes: count("eyes"),
    rocket: count("rocket"),
  };
}

export function issueJson(urls: Urls, repo: RepoRecord, issue: IssueRecord): Json {
  const api = `${repoUrl(urls, repo)}/issues/${issue.number}`;
  const comments = [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length;
  const html = `${urls.web}/${fullName(repo)}/${issue.pull ? "pull" : "issues"}/${issue.number}`;
  const json: Json = {
    id: issue.id,
    node_id: issue.nodeId,
    url: api,
    repository_url: repoUrl(urls, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userJson(urls, issue.user),
    labels: issue.labels.map((name, index) => labelJson(urls, repo, name, index)),
    assignee: issue.assignees[0] ? userJson(urls, issue.assignees[0]) : null,
    assignees: issue.assignees.map((user) => userJson(urls, user)),
    milestone: null,
    locked: issue.locked,
    active_lock_reason: null,
    comments,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_by: null,
    author_association: "OWNER",
    reactions: reactionRollup(`${api}/reactions`, issue.reactions),
  };
  if (issue.pull) {
    json["pull_request"] = {
      url: `${repoUrl(urls, repo)}/pulls/${issue.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: issue.pull.mergedAt,
    };
  }
  return json;
}

export function labelJson(urls: Urls, repo: RepoRecord, name: string, index: number): Json {
  return {
    id: repo.id * 1000 + index,
    node_id: `LA_${repo.id}_${index}`,
    url: `${repoUrl(urls, repo)}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: "ededed",
    default: false,
  };
}

export function commentJson(urls: Urls, repo: RepoRecord, comment: CommentRecord): Json {
  const api = `${repoUrl(urls, repo)}/issues/comments/${comment.id}`;
  const issue = repo.issues.get(comment.issueNumber);
  const kind = issue?.pull ? "pull" : "issues";
  return {
    id: comment.id,
    node_id: comment.nodeId,
    url: api,
    html_url: `${urls.web}/${fullName(repo)}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userJson(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${repoUrl(urls, repo)}/issues/${comment.issueNumber}`,
    author_association: "OWNER",
    performed_via_github_app: null,
    reactions: reactionRollup(`${api}/reactions`, comment.reactions),
  };
}

export function statusJson(urls: Urls, repo: RepoRecord, status: StatusRecord): Json {
  return {
    url: `${repoUrl(urls, repo)}/statuses/${status.sha}`,
    avatar_url: `${urls.web}/avatars/u/${status.creator.id}`,
    id: status.id,
    node_id: status.nodeId,
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator: userJson(urls, status.creator),
  };
}

export function checkRunJson(urls: Urls, repo: RepoRecord, run: CheckRunRecord, app: Json | null): Json {
  const api = `${repoUrl(urls, repo)}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: run.nodeId,
    external_id: run.externalId,
    url: api,
    html_url: `${urls.web}/${fullName(repo)}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotationsCount,
      annotations_url: `${api}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.id },
    app,
    pull_requests: [],
  };
}

export function deploymentJson(urls: Urls, repo: RepoRecord, deployment: DeploymentRecord): Json {
  const api = `${repoUrl(urls, repo)}/deployments/${deployment.id}`;
  return {
    url: api,
    id: deployment.id,
    node_id: deployment.nodeId,
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: deployment.payload,
    original_environment: deployment.originalEnvironment,
    environment: deployment.environment,
    description: deployment.description,
    creator: userJson(urls, deployment.creator),
    created_at: deployment.createdAt,
    updated_at: deployment.statuses.at(-1)?.createdAt ?? deployment.createdAt,
    statuses_url: `${api}/statuses`,
    repository_url: repoUrl(urls, repo),
    transient_environment: deployment.transientEnvironment,
    production_environment: deployment.productionEnvironment,
  };
}

export function deploymentStatusJson(
  urls: Urls,
  repo: RepoRecord,
  deployment: DeploymentRecord,
  status: DeploymentStatusRecord,
): Json {
  const deploymentUrl = `${repoUrl(urls, repo)}/deployments/${deployment.id}`;
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: status.nodeId,
    state: status.state,
    creator: userJson(urls, status.creator),
    description: status.description,
    environment: status.environment,
    target_url: status.targetUrl,
    log_url: status.logUrl,
    environment_url: status.environmentUrl,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repoUrl(urls, repo),
  };
}
