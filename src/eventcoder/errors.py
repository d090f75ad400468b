"""Coded errors: [E1xx] configuration and usage, [E2xx] resources and the store, [W3xx] per-record problems.

Every message names the thing, the reason and the fix. Every code is registered in CODES below with its one
meaning; tests/test_errors.py fails on a code used in the source but not registered, on a code registered
twice, and on one meaning given two codes.
"""
from __future__ import annotations


class EvxError(Exception):
    """Base of every error eventcoder raises on purpose."""

    code = "E100"

    def __init__(self, message: str, code: str | None = None):
        if code:
            self.code = code
        super().__init__(f"[{self.code}] {message}")


class ConfigError(EvxError):
    code = "E101"


class ResourceError(EvxError):
    """A model, gazetteer or data file is missing or unreadable."""

    code = "E201"


class InputError(EvxError):
    """One input document cannot be read; the batch goes on without it."""

    code = "W301"


class StoreError(EvxError):
    code = "E210"


# code -> what it means (one line). A new error takes the next free code of its group.
CODES: dict[str, str] = {
    # E1xx: settings, command-line use, queries, users
    "E100": "an eventcoder error of no more specific kind",
    "E101": "invalid settings (unknown key, wrong type or value)",
    "E102": "--published is not a date",
    "E103": "--out cannot be written",
    "E104": "serve cannot listen on the host and port",
    "E105": "unknown export format",
    "E107": "--ray asks for more actors than the cluster has CPUs",
    "E106": "gazetteer import --index names the bundled index",
    "E110": "the extra actor dictionary file is missing",
    "E111": "the extra actor dictionary file is not valid JSON",
    "E120": "a query filter names an unknown field or operator, or a value of the wrong kind",
    "E121": "no such incident",
    "E122": "an incident split or merge names reports of another incident",
    "E123": "a parquet export needs a folder for --out",
    "E124": "--out names a SQLite database (the store's own or another): refused",
    "E125": "--out names a folder holding files that are not a Parquet export: refused",
    "E126": "--out is a folder for a one-file format, or a file for parquet",
    "E127": "a stored event_date that is not a date, refused by the Parquet export",
    "E150": "a user name that is not allowed",
    "E151": "a password that is too short",
    "E152": "an unknown user role",
    "E153": "the user exists already",
    "E154": "no such user",
    "E155": "an admin cannot disable their own account",
    "E156": "no such API token of that user",
    # E2xx: models, data files, the store
    "E201": "a data file, model or gazetteer cannot be read",
    "E202": "the spaCy model is not installed",
    "E203": "a GeoNames dump given to gazetteer import is missing or unreadable",
    "E204": "the feature codes file of gazetteer import cannot be read or has a malformed line",
    "E210": "the database cannot be used",
    "E211": "--db names a file that holds other data",
    "E212": "the database's schema is newer than this eventcoder",
    "E213": "the database stayed locked by another process",
    "E220": "a review edit conflicts with a newer save",
    "E221": "no such event",
    "E222": "an unknown review status",
    "E223": "a field that cannot be edited",
    "E224": "an edited value of the wrong kind",
    "E225": "a number field given something that is not a number",
    "E230": "the worker processes of --workers could not start",
    "E231": "the Ray actors could not build the pipeline",
    "E232": "the Ray cluster cannot be joined or started",
    # W3xx: one document's problems; the batch goes on
    "W301": "no such input path",
    "W302": "an empty document, or one with no words",
    "W303": "a binary or undecodable document",
    "W304": "a document read as Windows-1252",
    "W305": "an unknown file type",
    "W306": "a document over a size limit",
    "W307": "unreadable HTML",
    "W308": "an invalid JSON line",
    "W309": "an invalid JSONL document (no text, a field of the wrong type, a bad date, an overlong id)",
    "W310": "control characters or lone surrogates removed",
    "W311": "a body cut at the size limit",
    "W312": "a page nested too deep for lxml, read by the plain parser",
    "W313": "an id repeated within the run, renamed",
    "W314": "a file the system will not read (permission, input/output error, a broken or looping link)",
    "W315": "a folder that cannot be listed",
    "W316": "not a regular file (FIFO, socket, device, link to a folder, folder named like a document)",
    "W317": "a document that does not look like English",
    "W320": "a document longer than nlp.max_chars, analysed in part",
    "W330": "no publication date: relative dates stay unresolved",
    "W390": "a stage failed on the document",
    "W391": "a document with too many events, cut",
}

