"""Every script in benchmarks/ still starts: `--help` runs its imports and argument parser.

The benchmarks are run by hand, so nothing else in the suite imports them; a module moved in
`src/` once left two of them importing a path that no longer existed. The voice benchmarks need
the [voice] extra and are checked only where it is installed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.entrypoint

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))
NEEDS_VOICE = {"voice.py", "voice_session.py", "voicemail.py"}


def test_the_benchmarks_folder_is_found() -> None:
    assert len(SCRIPTS) >= 10, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_starts(script: Path) -> None:
    if script.name in NEEDS_VOICE and importlib.util.find_spec("faster_whisper") is None:
        pytest.skip("needs the [voice] extra")
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BENCHMARKS.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage:" in done.stdout
