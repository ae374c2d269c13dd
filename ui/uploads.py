"""New raw files from the browser: saved under data/uploads/ and loaded by the same ETL run as the CLI.

An upload is saved under its own file name only: whatever folders the browser sends with it
(`../../etc/passwd.csv`, `..\\x.csv`, `C:\\x.csv`, `/etc/x.csv`) are dropped, so nothing is written
outside the upload's folder. A file that cannot be saved safely, or is larger than MAX_UPLOAD_MB,
is not saved and gets a failed row with the reason; the other files load as usual.

Uploads are not an archive: a raw file holds NIKs and names; the database keeps NIKs only as keyed
pseudonyms and names not at all. The files are readable by Pantau's own user only (folders 0700, files
0600) and are deleted as soon as the ETL run over them is over, whatever became of each batch (loaded,
failed, skipped). A folder left by a run that was killed is removed by the first upload a day later.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import polars as pl
import streamlit as st

from etl.pipeline import Progress
from etl.settings import DATA_DIR
from present import formats, words
from service import commands
from service.access import OutOfScope
from ui import session

UPLOAD_DIR = DATA_DIR / "uploads"
ACCEPTED_TYPES = ["csv", "xlsx", "parquet"]
# Streamlit's own limit, set once in .streamlit/config.toml (`server.maxUploadSize`, in MB).
MAX_UPLOAD_MB = st.get_option("server.maxUploadSize")
MAX_NAME_BYTES = 255  # what Linux and Windows file systems allow for one name
FOLDER_PREFIX = "upload-"  # this module's folders, and only these, are swept when left behind
LEFTOVER_AGE = dt.timedelta(days=1)  # far longer than any load takes, so a folder in use is never swept
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700
# Streamlit writes its uploader's own texts in English and offers no setting for them; these rules draw the
# viewer's language over them (the words come from present/strings.py, quoted for CSS).
_UPLOADER_WORDS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] span,
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: {limit}; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: {browse}; font-size: 1rem; }}
</style>"""
RESULT_SCHEMA = {"file_name": pl.String, "status": pl.String, "rows_read": pl.Int64, "rows_loaded": pl.Int64,
                 "rows_quarantined": pl.Int64, "message": pl.String}


class UploadRefused(ValueError):
    """An uploaded file that is not saved; the message says why, in the page's language."""


def safe_upload_name(name: str, lang: str | None = None) -> str:
    """The name to save an upload under inside its folder: the last part of `name`, never a path.

    Both separators count (a Windows browser may send `..\\x.csv`), and so does a drive
    (`C:x.csv`). Raises UploadRefused for a name that ends up empty, hidden (`.x.csv`, `..`)
    or too long for a file system.
    """
    last = re.split(r"[\\/]", name)[-1]
    last = re.sub(r"^[A-Za-z]:", "", last)
    # Control and other invisible characters (NUL, line breaks, direction marks) have no place in a file name.
    last = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    if not last or last.startswith("."):
        raise UploadRefused(words.t("upload_bad_name", lang, name=_printable(name)))
    if len(last.encode("utf-8")) > MAX_NAME_BYTES:
        raise UploadRefused(words.t("upload_long_name", lang, name=_printable(name)[:60] + "…"))
    return last


def upload_size_mb(upload) -> float:
    """The size of an uploaded file in MB (Streamlit's UploadedFile has `.size`; anything else is measured)."""
    size = getattr(upload, "size", None)
    return (size if size is not None else len(upload.getvalue())) / 2**20


def picker(label: str) -> list:
    """Streamlit's file uploader for raw files, with its own texts in the viewer's language."""
    def quoted(key: str, **values) -> str:
        return '"' + words.t(key, **values).replace("\\", "").replace('"', "") + '"'
    st.markdown(_UPLOADER_WORDS.format(
        browse=quoted("uploader_browse"),
        limit=quoted("uploader_limit", mb=MAX_UPLOAD_MB, types=", ".join(t.upper() for t in ACCEPTED_TYPES))),
        unsafe_allow_html=True)
    return st.file_uploader(label, type=ACCEPTED_TYPES, accept_multiple_files=True, key="upload")


def oversized(files: list, limit_mb: float | None = None, lang: str | None = None) -> list[str]:
    """One message per file larger than the upload limit, for the page to show before anything loads."""
    limit = MAX_UPLOAD_MB if limit_mb is None else limit_mb
    return [words.t("upload_too_large", lang, name=_printable(f.name), size=formats.number(upload_size_mb(f), 1, lang),
                   limit=formats.number(limit, 0, lang))
            for f in files if upload_size_mb(f) > limit]


def save_uploads(files: list, folder: Path, lang: str | None = None) -> tuple[list[Path], list[dict]]:
    """Save each acceptable file in `folder`; a failed result row for each file refused, with the reason."""
    lang = lang or words.current_language()
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    saved: list[Path] = []
    refused: list[dict] = []
    for upload in files:
        try:
            name = safe_upload_name(upload.name, lang)
            if name in {p.name for p in saved}:
                raise UploadRefused(words.t("upload_same_name", lang, name=name))
            too_large = oversized([upload], lang=lang)
            if too_large:
                raise UploadRefused(too_large[0])
        except UploadRefused as refusal:
            refused.append(_result_row(_printable(upload.name), "failed", message=str(refusal)))
            continue
        path = folder / name
        # Belt and braces: the saved file must sit directly in the upload's folder.
        if path.resolve().parent != folder.resolve():
            raise RuntimeError(f"upload name {upload.name!r} escapes {folder}")
        _write_private(path, upload.getvalue())
        saved.append(path)
    return saved, refused


def load_uploaded(files: list, progress: Progress, lang: str | None = None) -> pl.DataFrame:
    """Save the uploaded files in a folder of their own, run the ETL on it, delete them, and return one row per file."""
    reader = session.reader()
    if not reader.viewer.may_upload:  # before anything is saved; commands.load_files checks again
        raise OutOfScope("upload")
    folder = _new_folder()
    try:
        _, refused = save_uploads(files, folder, lang)
        result = commands.load_files(reader, folder, progress)
    finally:
        # The run is over: each batch has committed or failed, or the run stopped (another run held the database,
        # say) and the person uploads again. Either way nothing of the raw files is kept.
        shutil.rmtree(folder)
    session.clear_caches()
    rows = [_result_row(b.file_name, b.status, b.rows_read, b.rows_loaded, b.rows_quarantined, b.message)
            for b in result.batches]
    rows += [_result_row(name, "skipped") for name in result.skipped]
    return pl.DataFrame(rows + refused, schema=RESULT_SCHEMA)


def _new_folder() -> Path:
    """A fresh folder of this upload's own (0700), so that two uploads in the same second never share one."""
    UPLOAD_DIR.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    UPLOAD_DIR.chmod(PRIVATE_FOLDER)  # also when an earlier version made it readable by everyone
    _remove_leftovers()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{stamp}-", dir=UPLOAD_DIR))  # mkdtemp: always 0700


def _remove_leftovers() -> None:
    """Delete upload folders that a killed run left behind, once they are older than any load could be."""
    oldest = (dt.datetime.now() - LEFTOVER_AGE).timestamp()
    for folder in UPLOAD_DIR.glob(f"{FOLDER_PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < oldest:
            shutil.rmtree(folder)


def _write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by this user only: the mode is set when it is created, never loosened after.

    O_EXCL and O_NOFOLLOW: the name must not exist yet, and a link planted in its place is not followed.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def _result_row(file_name: str, status: str, read: int = 0, loaded: int = 0, quarantined: int = 0,
                message: str | None = None) -> dict:
    return {"file_name": file_name, "status": status, "rows_read": read, "rows_loaded": loaded,
            "rows_quarantined": quarantined, "message": message}


def _printable(name: str) -> str:
    return "".join(ch if ch.isprintable() else "�" for ch in name)
