"""`deploy`: publish the built site as a new commit on top of the remote's gh-pages branch.

Written with git's own plumbing instead of a force-push, so that publishing can never destroy history:
- the remote branch is fetched first and the new commit's parent is its tip, so a colleague's newer
  publication is built upon (a push that still races with one is refused, never forced);
- files on the branch that the site does not make (CNAME, search-engine verification files, anything
  listed under `deploy: keep:` in site.yaml) are carried over;
- when the published files are exactly the same, no commit is made;
- only `--force` starts the branch afresh, and the message then says which commits are dropped.
Git runs with `-C <repository>`, so the current folder is never changed.
"""
from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.i18n import Text, later
from generator.load.config import Config
from generator.output.atomic import MARKER

# Files a site owner puts on the published branch by hand (custom domain, ownership proofs).
ALWAYS_KEEP = ("CNAME", "google*.html", "BingSiteAuth.xml", "yandex_*.html", "keybase.txt", ".well-known/*")


class DeployError(Exception):
    """Why publishing stopped: one line a maintainer can act on, translated when it is printed."""

    def __init__(self, text: Text):
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Target:
    """Where to publish: the repository, its remote and the branch."""

    repo: Path
    remote: str
    remote_url: str
    branch: str


@dataclass(frozen=True)
class Published:
    commit: str | None  # None when nothing changed
    dropped: int = 0  # commits replaced by --force


def git(repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", "-C", str(repo), "-c", "core.quotepath=off", *args], input=stdin,
                            capture_output=True, text=True, encoding="utf-8", env=env)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise DeployError(later("git {command} failed: {detail}", command=args[0],
                                detail=lines[-1] if lines else f"exit {result.returncode}"))
    return result.stdout


def pages_address(remote_url: str) -> tuple[str, str] | None:
    """(address, base path) GitHub Pages serves a repository at, or None for other remotes."""
    match = re.search(r"github\.com[:/]+([^/]+)/([^/]+?)(?:\.git)?/*$", remote_url)
    if not match:
        return None
    user, repo = match.group(1).lower(), match.group(2)
    if repo.lower() == f"{user}.github.io":
        return f"https://{user}.github.io/", "/"
    return f"https://{user}.github.io/{repo}/", f"/{repo}/"


def published_url(config: Config, remote_url: str) -> str:
    """Where the site will be: the custom domain, an absolute base_url, or the GitHub Pages address."""
    if config.cname:
        return f"https://{config.cname}{config.base_path}"
    if config.base_url.startswith("http"):
        return config.base_url
    found = pages_address(remote_url)
    return found[0] if found else remote_url


def expected_base(config: Config, remote_url: str) -> str | None:
    """The base_url this site must have to work where it is published, when it differs; else None."""
    if config.cname:
        wanted_path, address = "/", f"https://{config.cname}/"
    else:
        found = pages_address(remote_url)
        if found is None:
            return None
        address, wanted_path = found
    if config.base_url.startswith("http"):  # a full address must be the one that serves the site
        same = config.base_url.split("://", 1)[1].lower().rstrip("/") == address.split("://", 1)[1].rstrip("/")
        return None if same else address
    return None if config.base_path == wanted_path else address


def target(site: Path, remote: str, branch: str) -> Target:
    """The repository holding `site`, checked: the remote exists, the branch is not the source's."""
    try:
        repo = Path(git(site, "rev-parse", "--show-toplevel").strip())
    except DeployError:
        raise DeployError(later("{site} is not inside a git repository; run 'git init' and add a remote first",
                                site=site)) from None
    try:
        url = git(repo, "remote", "get-url", remote).strip()
    except DeployError:
        raise DeployError(later("git remote '{remote}' is not set up in {repo}; add it with: git remote add {remote} "
                                "<address of the repository>", remote=remote, repo=repo)) from None
    current = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "--short", "-q", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
    if branch == current:
        raise DeployError(later("--branch {branch} is the branch your site's sources are on; publishing there would "
                                "replace them with the built pages. Use --branch gh-pages", branch=branch))
    return Target(repo, remote, url, branch)


def remote_tip(t: Target) -> str | None:
    """Fetch the published branch; its tip commit, or None when it does not exist yet."""
    try:
        listed = git(t.repo, "ls-remote", "--heads", t.remote, f"refs/heads/{t.branch}")
    except DeployError as exc:
        raise DeployError(later("cannot reach the remote '{remote}' ({url}): {problem}", remote=t.remote,
                                url=t.remote_url, problem=exc.text)) from None
    if not listed.strip():
        return None
    tracking = f"refs/remotes/{t.remote}/{t.branch}"
    git(t.repo, "fetch", "--no-tags", "-q", t.remote, f"+refs/heads/{t.branch}:{tracking}")
    return git(t.repo, "rev-parse", tracking).strip()


def _kept(repo: Path, parent: str, made: set[str], keep: tuple[str, ...], env: dict[str, str]) -> list[str]:
    """Index lines for the files on the branch that the site does not make but must keep."""
    lines = []
    for entry in git(repo, "ls-tree", "-r", "-z", parent, env=env).split("\0"):
        if not entry:
            continue
        info, path = entry.split("\t", 1)
        if path not in made and any(fnmatch.fnmatchcase(path, p) for p in (*ALWAYS_KEEP, *keep)):
            lines.append(f"{info}\t{path}")
    return lines


def _tree(t: Target, output: Path, parent: str | None, keep: tuple[str, ...]) -> str:
    """Write the tree of the new commit: the built files, plus the kept files from `parent`."""
    files = sorted(p for p in output.rglob("*") if p.is_file() and p.name != MARKER)
    made = {p.relative_to(output).as_posix() for p in files}
    with tempfile.TemporaryDirectory(prefix="portal-deploy-") as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        shas = git(t.repo, "hash-object", "-w", "--stdin-paths", stdin="\n".join(str(p) for p in files) + "\n",
                   env=env).split()
        lines = [f"100644 {sha}\t{p.relative_to(output).as_posix()}" for sha, p in zip(shas, files, strict=False)]
        if parent:
            lines += _kept(t.repo, parent, made, keep, env)
        git(t.repo, "update-index", "--add", "--index-info", stdin="\n".join(lines) + "\n", env=env)
        return git(t.repo, "write-tree", env=env).strip()


def publish(t: Target, output: Path, config: Config, message: str, force: bool = False) -> Published:
    """Commit the output on top of the remote branch (or afresh with `force`) and push it."""
    tip = remote_tip(t)
    tree = _tree(t, output, tip, config.deploy_keep)
    if tip and git(t.repo, "rev-parse", f"{tip}^{{tree}}").strip() == tree and not force:
        return Published(None)
    parents = ["-p", tip] if tip and not force else []
    commit = git(t.repo, "commit-tree", tree, *parents, "-m", message).strip()
    dropped = int(git(t.repo, "rev-list", "--count", tip).strip()) if tip and force else 0
    push = ["push", "-q", t.remote, f"{commit}:refs/heads/{t.branch}"]
    if force and tip:
        push.insert(2, f"--force-with-lease=refs/heads/{t.branch}:{tip}")
    try:
        git(t.repo, *push)
    except DeployError as exc:
        raise DeployError(later("the remote refused the new {branch} ({problem}); someone may have published "
                                "meanwhile: run deploy again, nothing was overwritten", branch=t.branch,
                                problem=exc.text)) from None
    git(t.repo, "update-ref", f"refs/remotes/{t.remote}/{t.branch}", commit)
    return Published(commit, dropped)


def describe_drop(t: Target) -> Text:
    """What `--force` would throw away on the remote branch, for the warning printed before it."""
    tip = remote_tip(t)
    if tip is None:
        return later("the remote has no {branch} branch yet: nothing is lost", branch=t.branch)
    count = git(t.repo, "rev-list", "--count", tip).strip()
    last = git(t.repo, "log", "-1", "--format=%h %an, %ad: %s", "--date=short", tip).strip()
    return later("--force replaces all {count} commit(s) of {remote}/{branch} (the latest: {last}) with one new commit",
                 count=count, remote=t.remote, branch=t.branch, last=last)
