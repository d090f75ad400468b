"""Reading the regression sentence files of tests/data/sentences (tab-separated, # comments)."""
from __future__ import annotations

import csv
from pathlib import Path

SENTENCES = Path(__file__).resolve().parents[1] / "data" / "sentences"



def read_tsv(name: str) -> list[list[str]]:
    """Rows of a tab-separated regression file, comments (#) skipped."""
    with open(SENTENCES / name, encoding="utf-8") as fh:
        return [row for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
                if row and not row[0].startswith("#")]
