"""Every check reads a hostile file in bounded memory and time: each runs under an
address-space limit of 512 MB (RLIMIT_AS) in a process of its own (tests/cms/bounded_checks.py),
where a zip whose entry lies about its size used to take 2.2–2.6 GB."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests import hostile_docx

LIMIT = 512 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 30  # per check, on a loaded machine; they take well under a second


def run_checks(tmp_path, files):
    paths = []
    for name, data in files.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    process = subprocess.run(
        [sys.executable, "-m", "tests.cms.bounded_checks", str(LIMIT), *paths],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    lines = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    assert lines[0] == {"limited": True}, "RLIMIT_AS did not take"
    return lines[1:]


def test_every_check_refuses_every_hostile_file_under_512_mb(tmp_path):
    """And passes a plain document under the same limit (one process for all: Django starts
    once)."""
    files = {name: hostile_docx.hostile(name) for name in hostile_docx.HOSTILE}
    results = run_checks(tmp_path, {"plain": hostile_docx.valid_docx(), **files})
    assert len(results) == 4 * (len(files) + 1)
    plain = [result for result in results if result["file"] == "plain"]
    assert [result["outcome"] for result in plain] == ["accepted"] * 4
    wrong = [
        result
        for result in results
        if result not in plain
        and (
            result["outcome"] != "refused"
            or expected_refusal(result) not in result["message"]
            or result["seconds"] > MAX_SECONDS
        )
    ]
    assert wrong == []


def expected_refusal(result):
    if result["check"] == "objection" and result["file"] == "mz_polyglot":
        # An attachment may be of several kinds: judged by its leading bytes, a program is none.
        return "附件：只接受 PDF、图片（PNG/JPEG）或 Word（.docx）文件。"
    return hostile_docx.REFUSALS[result["file"]]
