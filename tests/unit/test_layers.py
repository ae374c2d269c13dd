"""Layers that only point down: raw → ETL → read side → presentation → pages and pack.

Checked on the source itself, so a shortcut added later fails here, not in review.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Packages that must work without the web framework: the ETL, the read side, presentation, the pack.
FRAMEWORK_FREE = ("etl", "service", "present", "report")
# What each package may import from the project (its own modules always); nothing may import pages.
ALLOWED = {"etl": {"etl"}, "service": {"etl", "service"}, "present": {"etl", "present"},
           "report": {"etl", "service", "present", "report"}}
MAX_LINES = 400


def sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def project_imports(path: Path) -> set[str]:
    """The top-level project packages a module imports, anywhere in it (function-level imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & {"etl", "service", "present", "report", "ui", "pages", "dashboard", "streamlit"}


@pytest.mark.parametrize("package", FRAMEWORK_FREE)
def test_each_layer_imports_only_the_layers_below_it(package):
    wrong = {str(p.relative_to(ROOT)): sorted(project_imports(p) - ALLOWED[package])
             for p in sources(package) if project_imports(p) - ALLOWED[package]}
    assert wrong == {}


def test_importing_every_module_outside_the_dashboard_leaves_streamlit_out():
    modules = [".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
               for p in sources(*FRAMEWORK_FREE)
               if p.name != "__main__.py" and "migrations" not in p.parts]  # Alembic runs those itself
    probe = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\nprint('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe, *modules], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


def test_no_source_file_is_longer_than_400_lines():
    files = [*sources("etl", "service", "present", "report", "ui", "pages", "bench"), ROOT / "dashboard.py"]
    long = {str(p.relative_to(ROOT)): n for p in files if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
