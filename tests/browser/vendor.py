"""Local copies of the front-end packages the browser tests need, fetched from the npm registry.

Chart.js comes at the exact version site.yaml pins, so the page's integrity hash is checked against
the same bytes jsDelivr serves. axe-core checks accessibility in the page; vnu-jar is the W3C Nu HTML
Checker, a Java program run with the system's Java runtime. Run `python tests/browser/vendor.py` (scripts/test.sh does) to fetch
what is missing into tests/.cache/.
"""
from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "tests" / ".cache"
AXE_VERSION = "4.11.0"
VNU_VERSION = "26.9.27"


def chartjs() -> dict[str, str]:
    with open(ROOT / "site.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)["chartjs"]


def chartjs_path() -> Path:
    cj = chartjs()
    return CACHE / f"{cj['package']}@{cj['version']}" / cj["file"]


def axe_path() -> Path:
    return CACHE / f"axe-core@{AXE_VERSION}" / "axe.min.js"


def vnu_path() -> Path:
    return CACHE / f"vnu-jar@{VNU_VERSION}" / "build" / "dist" / "vnu.jar"


def _fetch(package: str, version: str) -> None:
    target = CACHE / f"{package}@{version}"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", f"{package}@{version}", "--pack-destination", tmp],
                       check=True, stdout=subprocess.DEVNULL)
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.startswith("package/"):
                    dest = target / member.name[len("package/"):]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]


def ensure() -> None:
    cj = chartjs()
    if not chartjs_path().is_file():
        _fetch(cj["package"], cj["version"])
    if not axe_path().is_file():
        _fetch("axe-core", AXE_VERSION)
    if not vnu_path().is_file():
        _fetch("vnu-jar", VNU_VERSION)


if __name__ == "__main__":
    ensure()
    print(", ".join(str(p.relative_to(ROOT)) for p in (chartjs_path(), axe_path(), vnu_path())), file=sys.stderr)
