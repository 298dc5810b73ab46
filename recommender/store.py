"""One joblib file per taste model, written atomically, loaded only when it checks out.

A file is written under a new name (its digest in the name) through a temporary
file and a rename, then the `UserModel` row is pointed at it, so a reader never
sees half a file. Before unpickling, the bytes' SHA-256 must equal the row's
digest and the row's library versions must equal this process's: anything else
is never loaded (`ModelUnavailable`) and the model is rebuilt from ratings.
Files are written only by the server; nothing uploaded is ever unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import platform
import secrets
import threading
from collections import OrderedDict

import joblib
import numpy as np
import sklearn
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from recommender.training import FEATURE_VERSION, TasteModel

logger = logging.getLogger(__name__)

STORAGE_ALIAS = "models"
_CACHE_SIZE = 256
_cache: OrderedDict[str, TasteModel] = OrderedDict()
_cache_lock = threading.Lock()


class ModelUnavailable(Exception):
    """The stored model cannot be used; `str()` says why. Rebuild it from ratings."""


def current_versions() -> dict[str, str]:
    """What a model file depends on: a change in any of these means rebuild."""
    return {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
        "features": str(FEATURE_VERSION),
    }


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _write(name: str, data: bytes) -> str:
    storage = _storage()
    try:
        path = storage.path(name)
    except NotImplementedError:
        # Object storages write a key in one request: a reader sees all or nothing.
        return storage.save(name, ContentFile(data))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        # A full disk or a failed rename must not leave half-written files behind.
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    return name


def model_save(*, owner: str, model: TasteModel) -> tuple[str, str]:
    """Write `model` for `owner` (e.g. "user-12", "community"). Returns (file name, digest)."""
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    name = _write(f"models/{owner}-{digest[:16]}.joblib", data)
    with _cache_lock:
        _cache[digest] = model
        _cache.move_to_end(digest)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return name, digest


def model_load(*, name: str, digest: str, versions: dict) -> TasteModel:
    """The model in file `name`, if its digest and versions check out; else ModelUnavailable."""
    if not name or not digest:
        raise ModelUnavailable("there is no model file yet")
    if versions != current_versions():
        raise ModelUnavailable(
            f"written by other library versions ({versions}), this process has {current_versions()}"
        )
    with _cache_lock:
        cached = _cache.get(digest)
        if cached is not None:
            _cache.move_to_end(digest)
            return cached
    try:
        with _storage().open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError) as error:
        raise ModelUnavailable(f"the model file cannot be read: {error}") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise ModelUnavailable("the model file does not match its recorded digest")
    # Safe only because the bytes are exactly those this server wrote (digest above).
    try:
        model = joblib.load(io.BytesIO(data))
    except Exception as error:
        # Our own classes may have moved since the file was written; rebuild, don't crash.
        raise ModelUnavailable(
            f"the model file cannot be loaded: {type(error).__name__}: {error}"
        ) from None
    if not isinstance(model, TasteModel):
        raise ModelUnavailable(f"the file holds a {type(model).__name__}, not a TasteModel")
    with _cache_lock:
        _cache[digest] = model
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return model


def model_delete(name: str) -> None:
    """Remove a model file; a file already gone is fine."""
    if not name:
        return
    try:
        _storage().delete(name)
    except OSError:
        logger.warning("Could not delete model file %s", name, exc_info=True)


def cache_clear() -> None:
    """Forget loaded models (tests, and after an upgrade)."""
    with _cache_lock:
        _cache.clear()
