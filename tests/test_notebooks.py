"""The notebooks in ``notebooks/`` run top to bottom, and are committed small and readable.

Each notebook is executed in a fresh kernel of *this* interpreter (so it sees the tipgraph
under test), with no network, and fails on the first cell that raises; the message shows
that cell's source and the error. The files a notebook writes go to a temporary folder
(``TIPGRAPH_NOTEBOOK_OUT``), never into the repository.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellControlSignal, CellExecutionError

# At module level, not the conftest ``repo`` fixture: the parametrize list below needs it at collection.
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = ["01-tour", "02-country-profile-pakistan", "03-network-analysis", "04-writing-sparql",
            "05-press-release-to-map", "06-importing-structured-data"]
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
CELL_TIMEOUT = 120
KERNEL = "python3"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _spec_runs_this_interpreter() -> bool:
    """Does the ``python3`` kernelspec Jupyter finds start ``sys.executable``?

    jupyter_client itself replaces a bare ``python``/``python3`` in the spec's argv with
    ``sys.executable``; any other path must be this interpreter.
    """
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        return False
    exe = spec.argv[0] if spec.argv else ""
    bare = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
    return exe in bare or os.path.abspath(exe) == os.path.abspath(sys.executable)


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python3``, made to mean this interpreter (a kernelspec in a temporary folder if need be)."""
    old = os.environ.get("JUPYTER_PATH")
    if not _spec_runs_this_interpreter():
        from ipykernel.kernelspec import install

        prefix = tmp_path_factory.mktemp("kernelspec")
        install(kernel_name=KERNEL, prefix=str(prefix))
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            [str(prefix / "share" / "jupyter")] + ([old] if old else []))
        assert _spec_runs_this_interpreter(), "could not point the python3 kernel at " + sys.executable
    yield KERNEL
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


def _failed_cell(nb: nbformat.NotebookNode) -> tuple[int, nbformat.NotebookNode] | None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i, cell
    return None


def test_the_expected_notebooks_are_there() -> None:
    missing = sorted(set(EXPECTED) - {p.stem for p in PATHS})
    assert not missing, f"missing notebooks: {missing}"
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for stem in EXPECTED:
        assert stem in readme, f"notebooks/README.md does not mention {stem}"


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=_ids(PATHS))
def test_notebook_runs(path: Path, kernel_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cell runs without error, in order, in a fresh kernel."""
    monkeypatch.setenv("TIPGRAPH_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=CELL_TIMEOUT, allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    started = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellControlSignal) as exc:
        found = _failed_cell(nb)
        where = f"cell {found[0]}:\n{found[1].source}" if found else "a cell"
        pytest.fail(f"{path.name}: {where}\n\nfailed with:\n{_ANSI.sub('', str(exc))}", pytrace=False)
    elapsed = time.perf_counter() - started
    print(f"{path.name}: executed in {elapsed:.1f} s")
    written = sorted(p.name for p in tmp_path.iterdir())
    print(f"{path.name}: wrote {written}")


@pytest.mark.parametrize("path", PATHS, ids=_ids(PATHS))
def test_committed_without_outputs(path: Path) -> None:
    """Committed notebooks carry no outputs and no execution counts: small files, clean diffs."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them before committing"
    assert path.stat().st_size < 100_000, f"{path.name} is {path.stat().st_size} bytes; keep notebooks small"


@pytest.mark.parametrize("path", PATHS, ids=_ids(PATHS))
def test_reads_like_a_guide(path: Path) -> None:
    """A title first, and plain-words markdown between the code cells."""
    nb = nbformat.read(path, as_version=4)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds and kinds[0] == "markdown" and nb.cells[0].source.startswith("# "), \
        f"{path.name} should open with a markdown title"
    code, markdown = kinds.count("code"), kinds.count("markdown")
    assert markdown >= code - 1, f"{path.name}: {markdown} markdown cells for {code} code cells"


@pytest.mark.parametrize("path", PATHS, ids=_ids(PATHS))
def test_uses_only_the_public_api(path: Path) -> None:
    """No private helpers (``tipgraph._x``, ``kg._x``), so the notebooks teach what stays stable."""
    nb = nbformat.read(path, as_version=4)
    private = re.compile(r"(?:\btipgraph(?:\.\w+)*|\bkg|\bplain)\._(?!_)\w"
                         r"|from\s+tipgraph(?:\.\w+)*\s+import\s+_(?!_)\w|\bimport\s+tipgraph\.(?:\w+\.)*_(?!_)")
    bad = [c.source for c in nb.cells if c.cell_type == "code" and private.search(c.source)]
    assert not bad, f"{path.name} uses private names:\n" + "\n---\n".join(bad)
