"""Remote corpora through fsspec (`s3://`, `gs://`, `hf://`, `https://`, ...), streamed.

Needs the optional extra `remote` (fsspec; aiohttp for http/https; s3fs, gcsfs or
huggingface_hub for their schemes), imported only when a URL is given. Credentials come
from each filesystem's usual environment (AWS_* variables and ~/.aws, Google application
default credentials, HF_TOKEN); detect never reads or writes them, and a URL's user:password
or query values are left out of everything it writes (`detector.overlap.display.safe_location`).
HTTP(S) files are read as a stream (no range requests needed, memory bounded by the read
buffer); object stores are read in blocks of `BLOCK_SIZE`.
"""

from __future__ import annotations

from typing import IO, Any

BLOCK_SIZE = 8 << 20
STREAMED = ("http", "https")


def is_remote(path: str) -> bool:
    """True for a URL with a scheme other than file://."""
    return "://" in path and not path.startswith("file://")


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError as error:
        raise ImportError("remote corpora need fsspec: pip install 'detect-overfit[remote]'") from error
    fs, stripped = fsspec.core.url_to_fs(url)
    return fs, stripped


def _protocol(url: str) -> str:
    return url.split("://", 1)[0].lower()


def expand_remote(pattern: str) -> list[str]:
    """The files a URL names: itself, every file below a "directory", or a glob's matches.

    HTTP(S) URLs name single files (no listing). Raises: FileNotFoundError when nothing matches.
    """
    fs, stripped = _filesystem(pattern)
    if _protocol(pattern) in STREAMED:
        fs.info(stripped)  # FileNotFoundError when the server has no such file
        return [pattern]
    if any(ch in stripped for ch in "*?["):
        found = [p for p in fs.glob(stripped) if fs.isfile(p)]
    elif fs.isdir(stripped):
        found = [p for p in fs.find(stripped) if fs.isfile(p)]
    elif fs.exists(stripped):
        found = [stripped]
    else:
        found = []
    if not found:
        raise FileNotFoundError(pattern)
    return sorted(fs.unstrip_protocol(p) for p in found)


def open_remote(url: str, *, seekable: bool = False) -> IO[bytes]:
    """A binary file object reading `url`: a stream for HTTP(S) unless `seekable` (Parquet
    needs seeks: then range requests, or the whole file where a server cannot serve ranges),
    blocks of BLOCK_SIZE for object stores."""
    fs, stripped = _filesystem(url)
    block_size = 0 if _protocol(url) in STREAMED and not seekable else BLOCK_SIZE
    handle: IO[bytes] = fs.open(stripped, "rb", block_size=block_size)
    return handle


def remote_info(url: str) -> tuple[int | None, str]:
    """(size in bytes or None, a version token: ETag, generation or mtime where the store has one)."""
    fs, stripped = _filesystem(url)
    info = fs.info(stripped)
    size = info.get("size")
    token = next((str(info[k]) for k in ("ETag", "etag", "generation", "mtime", "LastModified",
                                           "last_modified") if info.get(k) is not None), "")
    return (int(size) if size is not None else None), token
