"""Every setting the service reads from the environment is documented in the README's Settings table.

The settings classes are found in the source (every ``class X(BaseSettings)``), so a new one cannot be
forgotten; each field's environment name (prefix + field name, upper case) must appear in README.md.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "watchkeeper"
CLASS_RE = re.compile(r"^class (\w+)\(BaseSettings\):", re.MULTILINE)
ENV_RE = re.compile(r'"(WATCHKEEPER_[A-Z0-9_]+)"')


def _settings_classes() -> list[type[BaseSettings]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        names = CLASS_RE.findall(path.read_text(encoding="utf-8"))
        if not names:
            continue
        module = importlib.import_module(".".join(path.relative_to(SRC.parent).with_suffix("").parts))
        found.extend(getattr(module, name) for name in names)
    return found


def _env_names() -> set[str]:
    names = set()
    for cls in _settings_classes():
        prefix = str(cls.model_config.get("env_prefix", ""))
        names.update(f"{prefix}{field}".upper() for field in cls.model_fields)
    return names


def test_settings_classes_are_found() -> None:
    names = _env_names()
    # the foundation's own settings are always among them: the discovery itself works
    assert {"WATCHKEEPER_DATABASE_URL", "WATCHKEEPER_BUS_URL", "WATCHKEEPER_DATA_DIR"} <= names


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(n for n in _env_names() if f"`{n}`" not in readme)
    assert not missing, f"settings missing from README.md's Settings table: {missing}"


def test_environment_names_read_directly_are_in_the_readme() -> None:
    """Names read with os.environ (outside pydantic settings) are documented too."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    direct = set()
    for path in SRC.rglob("*.py"):
        direct.update(n for n in ENV_RE.findall(path.read_text(encoding="utf-8")) if not n.endswith("_"))
    missing = sorted(n for n in direct if f"`{n}`" not in readme)
    assert not missing, f"environment names missing from README.md: {missing}"
