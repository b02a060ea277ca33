"""Code actions and the fix-all command, always on the document's current version."""

from __future__ import annotations

import pytest
from lsp_support import (
    apply_edits,
    at,
    change_document,
    code_actions,
    codes,
    document_edits,
    fixture_text,
    open_document,
    published,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kerasense.engine import analyze
from kerasense.findings import Finding, Fix, Range, Severity, TextEdit
from kerasense.fixes import preferred_edits
from kerasense.lsp.actions import wanted

SOFTMAX = fixture_text("single_unit_softmax.py")
TWO = fixture_text("two_models.py")
WHOLE = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=999, character=0)
)


async def test_quick_fix_carries_the_current_version(client: LanguageClient) -> None:
    uri = open_document(client, "sentiment.py", SOFTMAX)
    await published(client, uri, version=1)
    change_document(client, uri, 2, SOFTMAX + "# trained on the small split\n")
    [diagnostic] = (await published(client, uri, version=2)).diagnostics

    actions = await code_actions(client, uri, diagnostic.range, [diagnostic])

    [fix] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert fix.title == "Use a sigmoid activation"
    assert fix.is_preferred is True
    assert list(fix.diagnostics or []) == [diagnostic]
    version, edits = document_edits(fix)
    assert version == 2
    fixed = apply_edits(SOFTMAX, edits)
    assert 'layers.Dense(1, activation="sigmoid")' in fixed
    assert analyze(fixed).findings == []


async def test_a_request_with_diagnostics_of_an_older_text_gets_nothing_stale(
    client: LanguageClient,
) -> None:
    uri = open_document(client, "sentiment.py", SOFTMAX)
    [old] = (await published(client, uri, version=1)).diagnostics
    moved = "# Kerasense demo\n# two lines on top\n" + SOFTMAX
    change_document(client, uri, 2, moved)

    # Asked right away, before the new diagnostics: the old range now holds Dropout.
    stale = await code_actions(client, uri, old.range, [old])

    assert stale == []
    [current] = (await published(client, uri, version=2)).diagnostics
    [fix] = await code_actions(client, uri, current.range, [current])
    version, [edit] = document_edits(fix)
    assert version == 2
    assert edit.range.start == at(moved, '"softmax"')


async def test_no_fix_for_a_finding_the_new_text_no_longer_has(
    client: LanguageClient,
) -> None:
    uri = open_document(client, "sentiment.py", SOFTMAX)
    [old] = (await published(client, uri, version=1)).diagnostics
    fixed = SOFTMAX.replace('activation="softmax"', 'activation="sigmoid"')

    change_document(client, uri, 2, fixed)

    assert await code_actions(client, uri, old.range, [old]) == []


async def test_context_only_selects_the_kinds(client: LanguageClient) -> None:
    uri = open_document(client, "two.py", TWO)
    await published(client, uri)

    everything = await code_actions(client, uri, WHOLE)
    fix_all_only = await code_actions(client, uri, WHOLE, only=["source.fixAll"])
    quick_only = await code_actions(client, uri, WHOLE, only=["quickfix"])
    refactor = await code_actions(client, uri, WHOLE, only=["refactor"])

    assert [a.kind for a in everything] == ["quickfix", "quickfix"]
    assert [a.kind for a in fix_all_only] == ["source.fixAll.kerasense"]
    assert {a.kind for a in quick_only} == {types.CodeActionKind.QuickFix}
    assert refactor == []


async def test_fix_all_applies_every_preferred_fix(client: LanguageClient) -> None:
    uri = open_document(client, "two.py", TWO)
    assert sorted(codes(await published(client, uri))) == ["KS101", "KS110"]

    [action] = await code_actions(client, uri, WHOLE, only=["source.fixAll.kerasense"])

    version, edits = document_edits(action)
    assert version == 1
    fixed = apply_edits(TWO, edits)
    assert analyze(fixed).findings == []
    assert 'metrics=["mae"]' in fixed


async def test_fix_all_command_sends_the_edit(client: LanguageClient) -> None:
    uri = open_document(client, "two.py", TWO)
    await published(client, uri)

    applied = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kerasense.fixAll", arguments=[uri])
    )

    assert applied is True
    [request] = client.applied_edits  # type: ignore[attr-defined]
    [change] = request.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
    assert analyze(apply_edits(TWO, edits)).findings == []


@pytest.mark.parametrize(
    "arguments",
    [None, [], [42], ["file:///nowhere/not_open.py"], ["a", "b"]],
)
async def test_fix_all_command_with_bad_arguments_is_a_clean_error(
    client: LanguageClient, arguments: list[object] | None
) -> None:
    with pytest.raises(JsonRpcException) as raised:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kerasense.fixAll", arguments=arguments)
        )

    assert raised.value.code == -32602
    assert "kerasense.fixAll" in raised.value.message
    assert client.messages == []


def _finding(code: str, *fixes: Fix) -> Finding:
    return Finding(code, Severity.ERROR, "message", Range.of(0, 0, 0, 1), fixes=fixes)


def _fix(title: str, *spans: tuple[int, int, int], preferred: bool = True) -> Fix:
    edits = tuple(
        TextEdit(Range.of(line, start, line, end), title) for line, start, end in spans
    )
    return Fix(title, edits, preferred)


def test_fix_all_skips_fixes_that_collide_with_one_taken() -> None:
    findings = [
        _finding("KS101", _fix("a", (1, 4, 10))),
        _finding("KS102", _fix("b", (1, 8, 12))),  # overlaps a
        _finding(
            "KS103", _fix("c", (2, 0, 0)), _fix("alt", (3, 0, 1), preferred=False)
        ),
        _finding("KS104", _fix("d", (2, 0, 0))),  # inserts where c inserts
        _finding(
            "KS105", _fix("e", (1, 10, 11), (4, 0, 2))
        ),  # touches a only at its end
    ]

    taken = preferred_edits(findings)

    assert sorted(e.new_text for e in taken) == ["a", "c", "e", "e"]


def test_kinds_match_as_prefixes() -> None:
    assert wanted("source.fixAll.kerasense", None)
    assert wanted("source.fixAll.kerasense", ["source"])
    assert wanted("source.fixAll.kerasense", ["source.fixAll"])
    assert not wanted("source.fixAll.kerasense", ["source.fix"])
    assert not wanted("quickfix", ["source.fixAll"])


async def test_insert_a_head_where_a_model_has_none(client: LanguageClient) -> None:
    text = fixture_text("headless.py")
    uri = open_document(client, "headless.py", text)
    diagnostics = (await published(client, uri)).diagnostics
    never_compiled = next(d for d in diagnostics if d.code == "KS111")

    actions = await code_actions(client, uri, never_compiled.range, list(diagnostics))

    titles = [a.title for a in actions]
    for task in ("binary", "single-label multiclass", "multilabel", "regression"):
        assert (
            f"Insert a head for {task} classification".replace(
                "regression classification", "regression"
            )
            in titles
        )
    multiclass = actions[
        titles.index("Insert a head for single-label multiclass classification")
    ]
    assert multiclass.kind == types.CodeActionKind.QuickFix
    assert list(multiclass.diagnostics or []) == [never_compiled]
    version, edits = document_edits(multiclass)
    assert version == 1
    done = apply_edits(text, edits)
    assert 'layers.Dense(10, activation="softmax"),' in done
    assert "KS111" not in [f.code for f in analyze(done).findings]


async def test_compile_for_a_head_that_has_no_compile_call(
    client: LanguageClient,
) -> None:
    text = fixture_text("single_unit_softmax.py")
    text = text.replace('"softmax"', '"sigmoid"').replace(
        'model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])\n',
        "",
    )
    uri = open_document(client, "uncompiled.py", text)
    diagnostics = (await published(client, uri)).diagnostics
    assert codes_of(diagnostics) == ["KS111"]

    actions = await code_actions(client, uri, diagnostics[0].range, list(diagnostics))

    assert [a.title for a in actions] == ["Compile for binary classification"]
    _, edits = document_edits(actions[0])
    assert "KS111" not in [f.code for f in analyze(apply_edits(text, edits)).findings]


def codes_of(diagnostics: object) -> list[str]:
    return [str(d.code) for d in diagnostics]  # type: ignore[attr-defined]
