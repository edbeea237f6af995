"""Reads an efetch file with Biopython's Bio.Entrez.read and prints one JSON line.

The reference point for litwatch's `card` throughput: Entrez.read is what a Python user
reaches for first. validate=False so that an element missing from the declared DTD does not
abort the run (what is timed is parsing, not validation); the DTD is still read, from
Biopython's bundled copies, to learn which elements are lists. Counting the records checks that
the whole file was read. The in-process parse time is printed too, so the runner can tell
interpreter start-up from parsing.

Exit status 3 when Biopython is not installed, so the runner can skip instead of failing.
"""

import json
import sys
import time

try:
    import Bio
    from Bio import Entrez
except ImportError:
    print(json.dumps({"error": "Biopython is not installed"}))
    sys.exit(3)


def main(path):
    started = time.perf_counter()
    with open(path, "rb") as handle:
        records = Entrez.read(handle, validate=False)
    seconds = time.perf_counter() - started
    articles = len(records["PubmedArticle"])
    print(json.dumps({"articles": articles, "parseSeconds": seconds, "biopython": Bio.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
