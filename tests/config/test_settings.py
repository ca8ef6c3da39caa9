import json
from pathlib import Path

import pytest

from arbiter_desktop.config.settings import Settings, describe


def test_every_setting_has_a_description() -> None:
    for name, _default, doc in describe():
        assert doc and doc.endswith("."), name


def test_load_save_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert Settings.load(path) == Settings()
    Settings(workers=3, fusion="rrf").save(path)
    assert Settings.load(path) == Settings(workers=3, fusion="rrf")
    path.write_text(json.dumps({"wokers": 3}))
    with pytest.raises(ValueError, match=r"unknown setting.*wokers"):
        Settings.load(path)


def test_bad_values_are_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="zscore, rrf"):
        Settings(fusion="max")
    with pytest.raises(ValueError, match="expected int"):
        Settings(workers="two")  # type: ignore[arg-type]
    assert Settings(fusion_dense_weight=2).fusion_dense_weight == 2  # an int where a float is expected is fine


def test_indexing_cores_default_to_all_but_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from arbiter_desktop.config import settings as module

    monkeypatch.setattr(module, "available_cores", lambda: 16)
    assert Settings().cores() == 15 and Settings().extraction_workers() == 15
    assert Settings(indexing_cores=4).cores() == 4 and Settings(indexing_cores=4).extraction_workers() == 4
    assert Settings(indexing_cores=4, workers=2).extraction_workers() == 2
    monkeypatch.setattr(module, "available_cores", lambda: 1)
    assert Settings().cores() == 1  # never none


def test_an_override_is_typed_as_its_setting() -> None:
    assert Settings.parse_override("late_chunking=true") == ("late_chunking", True)
    assert Settings.parse_override("late_chunking = Off") == ("late_chunking", False)
    assert Settings.parse_override("workers=3") == ("workers", 3)
    assert Settings.parse_override("fusion_dense_weight=1.5") == ("fusion_dense_weight", 1.5)
    assert Settings.parse_override("operator=Cne Dupont=OPJ") == ("operator", "Cne Dupont=OPJ")
    with pytest.raises(ValueError, match=r"NAME=VALUE.*late_chunking"):
        Settings.parse_override("late_chunkin=true")
    with pytest.raises(ValueError, match="NAME=VALUE"):
        Settings.parse_override("late_chunking")
    with pytest.raises(ValueError, match="expected true or false, got 'peut-être'"):
        Settings.parse_override("late_chunking=peut-être")
    with pytest.raises(ValueError, match="expected int, got 'deux'"):
        Settings.parse_override("workers=deux")
