"""A real Kerasense server over stdio, driven by a pytest-lsp client.

``client`` is one server per test module (start-up costs most of a test's time), with
default settings and its own workspace folder; tests open documents under names of
their own; ``notebook_client`` is the same for a VS Code that syncs notebooks.
``configured_client`` is a server for one test: mark the test with
``@pytest.mark.settings({...})`` for ``initializationOptions``, with
``@pytest.mark.configuration({...})`` for the answer to ``workspace/configuration`` and
with ``@pytest.mark.editor("neovim")`` for another editor's capabilities.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_asyncio import is_async_test
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features


def pytest_configure(config: pytest.Config) -> None:
    for marker in ("settings", "configuration", "editor"):
        config.addinivalue_line(
            "markers", f"{marker}(value): see tests/lsp/conftest.py"
        )


def _record_diagnostics(
    client: LanguageClient, params: types.PublishDiagnosticsParams
) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]


def _answer_configuration(
    client: LanguageClient, params: types.ConfigurationParams
) -> list[Any]:
    client.configuration_requests += 1  # type: ignore[attr-defined]
    return [
        client.get_configuration(section=item.section, scope_uri=item.scope_uri)
        for item in params.items
    ]


def _apply_edit(
    client: LanguageClient, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    client.applied_edits.append(params)  # type: ignore[attr-defined]
    return types.ApplyWorkspaceEditResult(applied=True)


def _register(client: LanguageClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)  # type: ignore[attr-defined]


def _make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.configuration_requests = 0  # type: ignore[attr-defined]
    client.applied_edits = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]
    register_lsp_features(
        client,
        {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_diagnostics,
            types.WORKSPACE_CONFIGURATION: _answer_configuration,
            types.WORKSPACE_APPLY_EDIT: _apply_edit,
            types.CLIENT_REGISTER_CAPABILITY: _register,
        },
    )
    return client


def _marker(request: pytest.FixtureRequest, name: str, default: Any) -> Any:
    marker = request.node.get_closest_marker(name)
    return marker.args[0] if marker else default


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every test here in its module's event loop, which the shared server uses."""
    here = Path(__file__).parent
    module_loop = pytest.mark.asyncio(loop_scope="module")
    for item in items:
        if is_async_test(item) and here in item.path.parents:
            item.add_marker(module_loop, append=False)


async def _start(
    client: LanguageClient,
    root: Path,
    *,
    editor: str = "visual-studio-code",
    settings: Any = None,
    configuration: Any = None,
    notebooks: bool = False,
) -> None:
    client.root = root  # type: ignore[attr-defined]
    client.opened = set()  # type: ignore[attr-defined]
    if configuration is not None:
        client.set_configuration(configuration, section="kerasense")
    capabilities = client_capabilities(editor)
    if notebooks:
        capabilities.notebook_document = types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities()
        )
    client.initialize_result = await client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[
                types.WorkspaceFolder(uri=root.as_uri(), name="workspace")
            ],
            initialization_options=settings,
        )
    )


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "kerasense", "serve"],
    client_factory=_make_client,
)


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(
    lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[None]:
    """One server per test module, default settings, VS Code's capabilities."""
    await _start(lsp_client, tmp_path_factory.mktemp("workspace"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER, scope="module")
async def notebook_client(
    lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[None]:
    """One server per test module for a client that syncs notebooks."""
    await _start(lsp_client, tmp_path_factory.mktemp("notebooks"), notebooks=True)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER, loop_scope="module")
async def configured_client(
    lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[None]:
    """A server of its own, started as the test's markers say."""
    await _start(
        lsp_client,
        tmp_path,
        editor=_marker(request, "editor", "visual-studio-code"),
        settings=_marker(request, "settings", None),
        configuration=_marker(request, "configuration", None),
    )
    yield
    await lsp_client.shutdown_session()
