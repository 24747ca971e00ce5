"""The `rjmail` program's entry: the console script an install writes, and `python -m rjmail`."""

from __future__ import annotations

import gc
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from rjmail import __main__ as entry


def test_the_console_script_is_the_program() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "rjmail"]
    assert script.load() is entry.program


@pytest.mark.parametrize("module", ["rjmail", "rjmail.cli"])
def test_python_dash_m_runs_the_commands(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "retention" in done.stdout  # the whole command list, so rjmail.cli was imported and ran


def test_the_collector_is_back_on_when_the_imports_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rjmail.cli", None)  # importing it raises ImportError
    gc.enable()
    with pytest.raises(ImportError):
        entry.program()
    assert gc.isenabled()
