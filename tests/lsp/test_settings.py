"""Settings: initializationOptions, workspace/configuration and [tool.kerasense]."""

from __future__ import annotations

import pytest
from lsp_support import codes, fixture_text, open_document, published
from lsprotocol import types
from pytest_lsp import LanguageClient

SOFTMAX = fixture_text("single_unit_softmax.py")
TWO = fixture_text("two_models.py")


def kerasense_logs(client: LanguageClient, level: types.MessageType) -> list[str]:
    return [
        m.message
        for m in client.log_messages
        if m.type == level and m.message.startswith("kerasense")
    ]


@pytest.mark.settings(
    {"ignore": ["KS11"], "severity": {"KS101": "hint"}, "logLevel": "error"}
)
async def test_initialization_options(configured_client: LanguageClient) -> None:
    client = configured_client
    uri = open_document(client, "two.py", TWO)

    [diagnostic] = (await published(client, uri)).diagnostics

    assert diagnostic.code == "KS101"
    assert diagnostic.severity == types.DiagnosticSeverity.Hint
    assert kerasense_logs(client, types.MessageType.Info) == []


@pytest.mark.settings({"kerasense": {"select": ["KS110"]}})
async def test_initialization_options_nested_under_kerasense(
    configured_client: LanguageClient,
) -> None:
    uri = open_document(configured_client, "two.py", TWO)

    assert codes(await published(configured_client, uri)) == ["KS110"]


@pytest.mark.settings({"select": ["KS110"]})
@pytest.mark.configuration({"select": ["KS101"], "run": "onType"})
async def test_workspace_configuration_wins_over_initialization_options(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "two.py", TWO)

    assert codes(await published(client, uri)) == ["KS101"]
    assert client.configuration_requests == 1  # type: ignore[attr-defined]


@pytest.mark.configuration({"ignore": []})
async def test_changed_configuration_rechecks_open_documents(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "two.py", TWO)
    assert sorted(codes(await published(client, uri))) == ["KS101", "KS110"]

    client.set_configuration({"ignore": ["KS101"]}, section="kerasense")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )

    assert codes(await published(client, uri, count=2)) == ["KS110"]
    assert client.configuration_requests == 2  # type: ignore[attr-defined]


@pytest.mark.settings(
    {"debounceMs": -5, "run": "sometimes", "severity": {"KS101": "loud"}, "colour": 1}
)
async def test_invalid_settings_fall_back_with_one_message(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "sentiment.py", SOFTMAX)

    [diagnostic] = (await published(client, uri)).diagnostics

    assert diagnostic.severity == types.DiagnosticSeverity.Error
    [message] = kerasense_logs(client, types.MessageType.Warning)
    for part in ("debounceMs", "run must be onType or onSave", "KS101", "colour"):
        assert part in message
    assert client.messages == []


async def test_pyproject_of_the_documents_project(client: LanguageClient) -> None:
    root = client.root  # type: ignore[attr-defined]
    (root / "quiet").mkdir()
    (root / "quiet" / "pyproject.toml").write_text(
        '[project]\nname = "quiet"\n\n[tool.kerasense]\nignore = ["KS101"]\n',
        encoding="utf-8",
    )
    (root / "broken").mkdir()
    (root / "broken" / "pyproject.toml").write_text(
        "[tool.kerasense]\nselect = 3\n", encoding="utf-8"
    )

    quiet = open_document(client, "quiet/two.py", TWO)
    broken = open_document(client, "broken/two.py", TWO)
    plain = open_document(client, "two.py", TWO)

    assert codes(await published(client, quiet)) == ["KS110"]
    assert sorted(codes(await published(client, broken))) == ["KS101", "KS110"]
    assert sorted(codes(await published(client, plain))) == ["KS101", "KS110"]
    warnings = [
        m for m in kerasense_logs(client, types.MessageType.Warning) if "select" in m
    ]
    assert len(warnings) == 1
    assert "broken" in warnings[0] and "pyproject.toml" in warnings[0]


async def test_a_changed_pyproject_rechecks_open_documents(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "two.py", TWO)
    assert sorted(codes(await published(client, uri))) == ["KS101", "KS110"]
    methods = {r.method for r in client.registrations}  # type: ignore[attr-defined]
    assert methods == {
        "workspace/didChangeConfiguration",
        "workspace/didChangeWatchedFiles",
    }

    pyproject = client.root / "pyproject.toml"  # type: ignore[attr-defined]
    pyproject.write_text('[tool.kerasense]\nselect = ["KS110"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=pyproject.as_uri(), type=types.FileChangeType.Created
                )
            ]
        )
    )

    assert codes(await published(client, uri, count=2)) == ["KS110"]
