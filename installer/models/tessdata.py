"""Provision Tesseract's models (French, English, orientation) into ``models/tessdata/`` from Debian's packages.

The OCR engine itself comes with the ``tesserocr`` wheel (libtesseract 5.5 and Leptonica inside); its models are
the ``tessdata_fast`` files that Debian packages as ``tesseract-ocr-fra``, ``tesseract-ocr-eng`` and
``tesseract-ocr-osd`` (Apache-2.0). The script fetches the pinned ``.deb`` files with ``apt-get download`` (no root
needed), checks them against their pinned SHA-256, unpacks them with ``dpkg-deb -x`` into a temporary folder and
copies the ``.traineddata`` files, each checked against its own pinned SHA-256, with the licence notice. It is
idempotent: files already there with their pinned SHA-256 are kept and nothing is fetched.

Usage::

    python installer/models/tessdata.py --out models/ [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CACHE = Path("~/.cache/arbiter-desktop/downloads")
FOLDER = "tessdata"  # in models/
NOTICE_NAME = "tessdata.NOTICE.txt"
DEB_DATA = "usr/share/tesseract-ocr/5/tessdata"  # where the packages put their model
DEB_COPYRIGHT = "usr/share/doc/{package}/copyright"


@dataclass(frozen=True)
class DebPin:
    """One Debian package pinned by version and SHA-256, and the model file it carries (also pinned)."""

    package: str
    version: str
    deb_sha256: str
    model: str
    model_sha256: str

    @property
    def filename(self) -> str:
        """The name ``apt-get download`` saves it under (the epoch's colon written ``%3a``)."""
        return f"{self.package}_{self.version.replace(':', '%3a')}_all.deb"


# Debian 12 (bookworm), main: tessdata_fast 4.1.0 as packaged by Debian.
PINS = (
    DebPin(
        "tesseract-ocr-fra",
        "1:4.1.0-2",
        "9987c4124bc6ee3f49d89710735cd5493a02b6c66f85c92385234dfc4de9b4ec",
        "fra.traineddata",
        "ced037562e8c80c13122dece28dd477d399af80911a28791a66a63ac1e3445ca",
    ),
    DebPin(
        "tesseract-ocr-eng",
        "1:4.1.0-2",
        "9242d054563262398f8cf41fbd96fcc72f9dde70db16de18539882a6cff74f9d",
        "eng.traineddata",
        "7d4322bd2a7749724879683fc3912cb542f19906c83bcc1a52132556427170b2",
    ),
    DebPin(
        "tesseract-ocr-osd",
        "1:4.1.0-2",
        "72cc0ba5a04e4d38e5d7901ae2f0319f4941fddaa4a77d1a86110909c036bacb",
        "osd.traineddata",
        "9cf5d576fcc47564f11265841e5ca839001e7e6f38ff7f7aacf46d15a96b00ff",
    ),
)


class ProvisionError(RuntimeError):
    """A step of the provisioning failed; the message says which and why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def installed(out: Path, pins: Sequence[DebPin] = PINS) -> bool:
    """Every model is in ``out/tessdata`` with its pinned SHA-256, and the notice is there."""
    folder = out / FOLDER
    return (folder / NOTICE_NAME).is_file() and all(
        (folder / p.model).is_file() and sha256_of(folder / p.model) == p.model_sha256 for p in pins
    )


def fetch_deb(pin: DebPin, cache: Path) -> Path:
    """The verified ``.deb`` from the cache, downloaded first with ``apt-get download`` when absent or corrupt."""
    path = cache / pin.filename
    if path.is_file() and sha256_of(path) == pin.deb_sha256:
        print(f"reused   {path}")
        return path
    path.unlink(missing_ok=True)
    command = ["apt-get", "download", f"{pin.package}={pin.version}"]
    try:
        result = subprocess.run(command, cwd=cache, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ProvisionError(f"could not run apt-get to fetch {pin.package} ({exc}): is this a Debian system?") from exc
    if result.returncode != 0 or not path.is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"apt-get exited with status {result.returncode}"
        raise ProvisionError(
            f"could not fetch {pin.package}={pin.version} from Debian's archive: {reason} "
            "(run `apt-get update` first if the package list is old)"
        )
    actual = sha256_of(path)
    if actual != pin.deb_sha256:
        path.unlink()
        raise ProvisionError(f"{pin.filename}: SHA-256 {actual} does not match the pinned {pin.deb_sha256}")
    print(f"fetched  {path}")
    return path


def unpack(deb: Path, into: Path) -> None:
    try:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(into)], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ProvisionError(f"could not unpack {deb.name} with dpkg-deb: {exc}") from exc


def install_model(pin: DebPin, unpacked: Path, folder: Path) -> None:
    """Copy the package's model into ``folder`` (atomically) once it matches its pinned SHA-256."""
    source = unpacked / DEB_DATA / pin.model
    if not source.is_file():
        raise ProvisionError(f"{pin.filename} does not hold {DEB_DATA}/{pin.model}")
    actual = sha256_of(source)
    if actual != pin.model_sha256:
        raise ProvisionError(f"{pin.model} from {pin.filename}: SHA-256 {actual}, pinned {pin.model_sha256}")
    tmp = folder / f".{pin.model}.tmp"
    shutil.copyfile(source, tmp)
    os.replace(tmp, folder / pin.model)
    print(f"wrote    {folder / pin.model}")


def notice(unpacked: Path, pins: Sequence[DebPin]) -> str:
    parts = [
        "Tesseract models (tessdata_fast 4.1.0) from Debian's packages "
        + ", ".join(f"{p.package} {p.version}" for p in pins)
        + ".\nLicence: Apache-2.0. Debian's copyright file follows.\n"
    ]
    copyright_file = unpacked / DEB_COPYRIGHT.format(package=pins[0].package)
    if copyright_file.is_file():
        parts.append(copyright_file.read_text(encoding="utf-8"))
    return "\n".join(parts)


def provision(out: Path, cache: Path, pins: Sequence[DebPin] = PINS) -> Path:
    """Make sure ``out/tessdata`` holds the pinned models; returns that folder."""
    folder = out / FOLDER
    if installed(out, pins):
        print(f"present  {folder} ({', '.join(p.model for p in pins)})")
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tessdata-") as tmp:
        unpacked = Path(tmp)
        for pin in pins:
            target = folder / pin.model
            if target.is_file() and sha256_of(target) == pin.model_sha256:
                print(f"present  {target}")
                continue
            unpack(fetch_deb(pin, cache), unpacked)
            install_model(pin, unpacked, folder)
        if not (unpacked / DEB_COPYRIGHT.format(package=pins[0].package)).is_file():
            unpack(fetch_deb(pins[0], cache), unpacked)
        (folder / NOTICE_NAME).write_text(notice(unpacked, pins), encoding="utf-8")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="the models folder (tessdata/ is made inside)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the .deb files are kept")
    args = parser.parse_args(argv)
    try:
        provision(args.out, args.cache.expanduser())
    except ProvisionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
