"""The cursor scan the completions and hovers rely on, on half-typed text."""

from __future__ import annotations

from kerasense.fixes.snippets import Slot, Snippet
from kerasense.lsp.textscan import scan, statement_end


def scan_at(marked: str) -> tuple[str, int]:
    return marked.replace("|", "", 1), marked.index("|")


def test_call_and_keyword_under_the_cursor() -> None:
    text, offset = scan_at('model.add(layers.Dense(1, activation="so|"))\n')

    found = scan(text, offset)

    assert [b.callee for b in found.brackets] == ["model.add", "layers.Dense"]
    assert found.keyword() == "activation"
    assert found.quote == '"'
    assert text[found.string_start or 0 : offset] == "so"


def test_list_inside_a_keyword_argument() -> None:
    text, offset = scan_at("model.compile(\n    loss='mse',\n    metrics=['ma|\n")

    found = scan(text, offset)

    assert found.innermost is not None and found.innermost.keyword == "metrics"
    assert found.parent is not None and found.parent.callee == "model.compile"
    assert found.parent.argument_index == 1


def test_strings_and_comments_do_not_open_brackets() -> None:
    text, offset = scan_at(
        'x = "(["  # ) ( [\ny = """\n((\n"""\nz = f(a, \'b)\', \\\n  |'
    )

    found = scan(text, offset)

    assert [b.callee for b in found.brackets] == ["f"]
    assert found.innermost is not None and found.innermost.argument_index == 2
    assert found.string_start is None


def test_a_half_typed_line_does_not_swallow_the_next_statements() -> None:
    text, offset = scan_at("model.add(layers.Dense(\nmodel.compile(|)\n")

    found = scan(text, offset)

    assert [b.callee for b in found.brackets] == ["model.compile"]
    assert found.statement_text() == "model.compile("


def test_crlf_continuation_and_statement_end() -> None:
    text, offset = scan_at("m = keras.Sequential([\r\n    |\r\n])\r\nm.fit(x)\r\n")

    found = scan(text, offset)
    end = statement_end(text, found)

    assert [b.char for b in found.brackets] == ["(", "["]
    assert end is not None and text[:end].endswith("])")


def test_snippet_escapes_and_shared_tab_stops() -> None:
    units = Slot("units", "num_classes")
    snippet = Snippet.of(
        "Dense(",
        units,
        ") # costs $5 {ok}, again: ",
        units,
        " ",
        Slot("loss", "a", ("a", "b,c")),
    )

    assert (
        snippet.as_text() == "Dense(num_classes) # costs $5 {ok}, again: num_classes a"
    )
    assert snippet.as_snippet() == (
        "Dense(${1:num_classes}) # costs \\$5 {ok\\}, again: ${1:num_classes} ${2|a,b\\,c|}"
    )


def test_a_semicolon_outside_brackets_starts_a_statement() -> None:
    text = "s = 'a;b'; model = keras.Sequential([keras.Input((4,)), "
    found = scan(text, len(text))
    assert found.statement_text() == " model = keras.Sequential([keras.Input((4,)), "
    assert found.previous_statements() == ["s = 'a;b';"]
