"""`generator deploy`: build, then publish the output to a gh-pages branch with ghp-import."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import ghp_import

from generator.load.config import Config


def published_url(config: Config, remote_url: str) -> str:
    """Where the site will be: the custom domain, an absolute base_url, or the GitHub Pages address."""
    if config.cname:
        return f"https://{config.cname}/"
    if config.base_url.startswith("http"):
        return config.base_url
    match = re.search(r"github\.com[:/]([^/]+)/([^/]+?)(?:\.git)?/?$", remote_url)
    if match:
        user, repo = match.groups()
        if repo.lower() == f"{user.lower()}.github.io":
            return f"https://{user.lower()}.github.io/"
        return f"https://{user.lower()}.github.io/{repo}/"
    return remote_url


def remote_url(site: Path, remote: str) -> str:
    result = subprocess.run(["git", "remote", "get-url", remote], cwd=site, capture_output=True, text=True)
    if result.returncode != 0:
        raise ValueError(f"git remote '{remote}' is not set up in {site}: {result.stderr.strip()}")
    return result.stdout.strip()


def deploy(site: Path, output: Path, config: Config, remote: str, branch: str, message: str) -> str:
    url = remote_url(site, remote)
    ghp_import.ghp_import(str(output), mesg=message, remote=remote, branch=branch, push=True, force=True,
                          nojekyll=True, cname=config.cname)
    return published_url(config, url)
