from pathlib import Path

from arbiter_desktop.ui import state


def test_recent_cases_are_remembered_most_recent_first(tmp_path: Path) -> None:
    s = state.GuiState()
    for name in ("a", "b", "a"):
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / "case.json").write_text("{}", encoding="utf-8")
        s.remember(tmp_path / name)
    state.save(s)
    loaded = state.load()
    assert loaded.recent == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert loaded.last_case == tmp_path / "a"
    (tmp_path / "a" / "case.json").unlink()  # a case that moved away is skipped
    assert loaded.last_case == tmp_path / "b"


def test_a_damaged_state_file_is_set_aside() -> None:
    path = state.state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert state.load() == state.GuiState()
    assert path.with_suffix(".damaged").exists()
