"""Configuration: ``[tool.kerasense]``, editor settings and suppression comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerasense.config import Config, ConfigError, find_pyproject, load_pyproject
from kerasense.engine import analyze
from kerasense.findings import Severity

SOFTMAX_ONE_UNIT = """\
import keras
from keras import layers

model = keras.Sequential([layers.Input(shape=(4,)), layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy"){comment}
"""


def test_select_and_ignore_take_prefixes() -> None:
    config = Config(select=("KS1",), ignore=("KS105",))
    assert config.enabled("KS101")
    assert not config.enabled("KS105")
    assert not config.enabled("KS201")


def test_severity_override_applies_to_findings() -> None:
    config = Config.from_mapping({"severity": {"ks101": "warning"}})
    analysis = analyze(SOFTMAX_ONE_UNIT.format(comment=""), config=config)
    assert [(f.code, f.severity) for f in analysis.findings] == [
        ("KS101", Severity.WARNING)
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"select": 3},
        {"ignore": [1, 2]},
        {"severity": {"KS101": "loud"}},
        {"severity": []},
    ],
)
def test_invalid_settings_raise_a_config_error(data: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Config.from_mapping(data)


def test_pyproject_is_found_above_and_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kerasense]\nignore = ["KS2"]\nseverity = { KS107 = "warning" }\n'
    )
    nested = tmp_path / "src" / "models"
    nested.mkdir(parents=True)
    found = find_pyproject(nested)
    assert found == tmp_path / "pyproject.toml"
    config = load_pyproject(found)
    assert config.ignore == ("KS2",)
    assert config.severity == {"KS107": Severity.WARNING}


def test_broken_pyproject_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.kerasense\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml"):
        load_pyproject(path)


def test_ignore_comment_silences_only_the_named_code() -> None:
    line = SOFTMAX_ONE_UNIT.replace(
        'activation="softmax")])', 'activation="softmax")])  # kerasense: ignore[KS101]'
    )
    assert analyze(line.format(comment="")).findings == []
    other = SOFTMAX_ONE_UNIT.replace(
        'activation="softmax")])', 'activation="softmax")])  # kerasense: ignore[KS102]'
    )
    assert [f.code for f in analyze(other.format(comment="")).findings] == ["KS101"]
