"""Diagnostics: what is published, when, and for which version of the text."""

from __future__ import annotations

import asyncio

import pytest
from lsp_support import (
    at,
    change_document,
    codes,
    fixture_text,
    open_document,
    published,
    publishes,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

SOFTMAX = fixture_text("single_unit_softmax.py")
FIXED = SOFTMAX.replace(
    'Dense(1, activation="softmax")', 'Dense(1, activation="sigmoid")'
)


async def test_open_publishes_findings_with_rule_link_and_related_place(
    client: LanguageClient,
) -> None:
    uri = open_document(client, "sentiment.py", SOFTMAX)

    result = await published(client, uri, version=1)

    [diagnostic] = result.diagnostics
    assert diagnostic.code == "KS101"
    assert diagnostic.source == "kerasense"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    head = 'layers.Dense(1, activation="softmax")'
    assert diagnostic.range == types.Range(
        start=at(SOFTMAX, head), end=at(SOFTMAX, head, after=True)
    )
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("docs/rules/KS101.md")
    assert diagnostic.code_description.href.startswith(("file:///", "https://"))
    [related] = diagnostic.related_information or []
    assert related.location.uri == uri
    assert related.location.range.start == at(SOFTMAX, "model.compile(")


async def test_each_fixture_gets_the_engines_findings(client: LanguageClient) -> None:
    expected = {
        "mnist_functional.py": ["KS104"],
        "regression_accuracy.py": ["KS110"],
    }
    uris = {name: open_document(client, name, fixture_text(name)) for name in expected}

    for name, uri in uris.items():
        assert codes(await published(client, uri)) == expected[name]


async def test_change_republishes_for_the_new_version(client: LanguageClient) -> None:
    uri = open_document(client, "sentiment.py", SOFTMAX)
    await published(client, uri, version=1)

    change_document(client, uri, 2, FIXED)

    assert codes(await published(client, uri, version=2)) == []


async def test_close_clears_the_diagnostics(client: LanguageClient) -> None:
    uri = open_document(client, "sentiment.py", SOFTMAX)
    await published(client, uri, version=1)

    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        )
    )

    last = await published(client, uri, count=2)
    assert list(last.diagnostics) == []


async def test_rapid_changes_publish_only_the_latest_version(
    client: LanguageClient,
) -> None:
    uri = open_document(client, "sentiment.py", FIXED)
    await published(client, uri, version=1)

    for version in range(2, 9):
        text = SOFTMAX if version % 2 == 0 else FIXED
        change_document(client, uri, version, text + f"# edit {version}\n")
    final = await published(client, uri, version=8)
    await asyncio.sleep(0.4)

    versions = [p.version for p in publishes(client, uri)]
    assert versions == [1, 8]
    assert codes(final) == ["KS101"]


async def test_a_file_that_stops_parsing_keeps_its_last_findings(
    client: LanguageClient,
) -> None:
    uri = open_document(client, "sentiment.py", SOFTMAX)
    await published(client, uri, version=1)
    half_typed = SOFTMAX.replace(
        "model.fit(", "model.fit(x_train, y_train, epochs=\nmodel."
    )

    change_document(client, uri, 2, half_typed)
    change_document(client, uri, 3, half_typed + "summ")
    await asyncio.sleep(0.6)

    assert [p.version for p in publishes(client, uri)] == [1]
    assert codes(publishes(client, uri)[-1]) == ["KS101"]

    change_document(client, uri, 4, FIXED)
    assert codes(await published(client, uri, version=4)) == []
    assert "KS001" not in [c for p in publishes(client, uri) for c in codes(p)]
    assert client.messages == []


async def test_a_file_that_never_parsed_gets_an_empty_list_once(
    client: LanguageClient,
) -> None:
    uri = open_document(
        client, "scratch.py", "import keras\nmodel = keras.Sequential([\n"
    )

    result = await published(client, uri, version=1)
    change_document(client, uri, 2, "import keras\nmodel = keras.Sequential([\n  ")
    await asyncio.sleep(0.5)

    assert list(result.diagnostics) == []
    assert len(publishes(client, uri)) == 1


@pytest.mark.settings({"debounceMs": 700})
async def test_changes_wait_for_the_debounce_delay(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "sentiment.py", FIXED)
    await published(client, uri, version=1)

    change_document(client, uri, 2, SOFTMAX)
    await asyncio.sleep(0.35)
    assert [p.version for p in publishes(client, uri)] == [1]

    assert codes(await published(client, uri, version=2)) == ["KS101"]


@pytest.mark.settings({"run": "onSave"})
async def test_on_save_mode_checks_only_on_open_and_save(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "sentiment.py", FIXED)
    await published(client, uri, version=1)

    change_document(client, uri, 2, SOFTMAX)
    await asyncio.sleep(0.5)
    assert [p.version for p in publishes(client, uri)] == [1]

    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        )
    )
    assert codes(await published(client, uri, version=2)) == ["KS101"]


@pytest.mark.settings({"debounceMs": 0})
async def test_without_debounce_every_publish_matches_its_version(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "sentiment.py", FIXED)
    await published(client, uri, version=1)
    expected: dict[int | None, list[str]] = {1: []}

    for version in range(2, 21):
        broken = version % 2 == 0
        # Three copies of the script make each analysis take a little longer.
        expected[version] = ["KS101"] * 3 if broken else []
        change_document(client, uri, version, (SOFTMAX if broken else FIXED) * 3)
    await published(client, uri, version=20)
    await asyncio.sleep(0.3)

    seen = publishes(client, uri)
    versions = [p.version for p in seen]
    assert versions == sorted(set(versions))
    assert versions[-1] == 20
    for params in seen:
        assert codes(params) == expected[params.version]
