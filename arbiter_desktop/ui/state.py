"""What the desktop app remembers between runs: the recent cases and the language (a JSON file in the user's
data folder). A damaged file is set aside and the app starts fresh rather than refusing to start."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from arbiter_desktop.config import paths

log = logging.getLogger(__name__)

MAX_RECENT = 10
LANGUAGES = ("fr", "en")


@dataclass
class GuiState:
    recent: list[str] = field(default_factory=list)  # case folders, most recent first
    language: str = "fr"

    @property
    def last_case(self) -> Path | None:
        for entry in self.recent:
            if (Path(entry) / "case.json").exists():
                return Path(entry)
        return None

    def remember(self, case_dir: Path) -> None:
        entry = str(case_dir)
        self.recent = [entry, *[r for r in self.recent if r != entry]][:MAX_RECENT]

    def forget(self, case_dir: Path) -> None:
        self.recent = [r for r in self.recent if r != str(case_dir)]


def state_file() -> Path:
    return paths.data_dir() / "gui.json"


def load() -> GuiState:
    path = state_file()
    if not path.exists():
        return GuiState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        recent = [str(r) for r in data.get("recent", [])]
        language = str(data.get("language", "fr"))
        return GuiState(recent=recent, language=language if language in LANGUAGES else "fr")
    except (ValueError, AttributeError, TypeError) as exc:
        damaged = path.with_suffix(".damaged")
        os.replace(path, damaged)
        log.warning("%s was damaged (%s); set aside as %s", path, exc, damaged)
        return GuiState()


def save(state: GuiState) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"recent": state.recent, "language": state.language}, indent=2), encoding="utf-8")
    os.replace(tmp, path)
