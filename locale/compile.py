"""Compile the project's .po catalogues to .mo (what Django reads), without GNU gettext.

`python locale/compile.py [file.po ...]` (no argument: every catalogue under locale/). Run by
`make install`, which calls it again whenever a .po is newer than its .mo."""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent


def compile_catalogue(po_path):
    po_path = Path(po_path)
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def main(paths):
    for path in paths or sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        print(f"编译翻译 {compile_catalogue(path)}")


if __name__ == "__main__":
    main(sys.argv[1:])
