"""The model store: atomic joblib files, loaded only when digest and versions check out."""

from __future__ import annotations

import hashlib
import io
import os

import joblib
import numpy as np
import pytest
from django.core.files.storage import storages

from ratings.themes import draw
from recommender import store
from recommender.training import FEATURE_VERSION, TasteModel, model_fit


@pytest.fixture
def model() -> TasteModel:
    rng = np.random.default_rng(7)
    return model_fit(draw(6, rng), np.array([1, 2, 3, 4, 5, 5]), members=2)


def _path(name: str) -> str:
    return storages[store.STORAGE_ALIAS].path(name)


def _files(folder: str) -> list[str]:
    return sorted(os.listdir(folder))


def _explode():
    raise AssertionError("a file failing its checks was unpickled")


class _Booby:
    """Unpickling this runs `_explode`: proof that a rejected file was never loaded."""

    def __reduce__(self):
        return (_explode, ())


def test_model_save_then_load_predicts_the_same(model):
    themes = draw(30, np.random.default_rng(8))
    name, digest = store.model_save(owner="user-1", model=model)
    store.cache_clear()  # as if another process loads it

    loaded = store.model_load(name=name, digest=digest, versions=store.current_versions())

    assert loaded is not model
    assert np.array_equal(loaded.predict_themes(themes), model.predict_themes(themes))
    assert loaded.n_ratings == 6


def test_model_save_names_the_file_by_owner_and_digest(model):
    name, digest = store.model_save(owner="user-1", model=model)

    with open(_path(name), "rb") as handle:
        data = handle.read()
    assert name == f"models/user-1-{digest[:16]}.joblib"
    assert hashlib.sha256(data).hexdigest() == digest


def test_model_save_leaves_no_temporary_files(model):
    name, _ = store.model_save(owner="user-1", model=model)

    assert _files(os.path.dirname(_path(name))) == [os.path.basename(name)]


def test_model_save_failure_leaves_no_temporary_files(model):
    name, _ = store.model_save(owner="user-1", model=model)
    folder = os.path.dirname(_path(name))
    os.remove(_path(name))
    os.mkdir(_path(name))  # the rename onto this path fails

    with pytest.raises(IsADirectoryError):
        store.model_save(owner="user-1", model=model)

    assert _files(folder) == [os.path.basename(name)]


def test_model_load_uses_the_cache_of_this_process(model):
    name, digest = store.model_save(owner="user-1", model=model)

    loaded = store.model_load(name=name, digest=digest, versions=store.current_versions())

    assert loaded is model


def test_model_load_flipped_byte_is_unavailable(model):
    name, digest = store.model_save(owner="user-1", model=model)
    store.cache_clear()
    with open(_path(name), "r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0x01]))

    with pytest.raises(store.ModelUnavailable, match="does not match its recorded digest"):
        store.model_load(name=name, digest=digest, versions=store.current_versions())


def test_model_load_never_unpickles_a_file_that_fails_its_digest(model):
    name, digest = store.model_save(owner="user-1", model=model)
    store.cache_clear()
    with open(_path(name), "wb") as handle:
        joblib.dump(_Booby(), handle)

    with pytest.raises(store.ModelUnavailable, match="does not match its recorded digest"):
        store.model_load(name=name, digest=digest, versions=store.current_versions())


def test_model_load_other_library_versions_are_unavailable(model):
    name, digest = store.model_save(owner="user-1", model=model)
    versions = {**store.current_versions(), "scikit-learn": "0.1"}

    with pytest.raises(store.ModelUnavailable, match="other library versions"):
        store.model_load(name=name, digest=digest, versions=versions)


def test_model_load_without_versions_is_unavailable(model):
    name, digest = store.model_save(owner="user-1", model=model)

    with pytest.raises(store.ModelUnavailable, match="other library versions"):
        store.model_load(name=name, digest=digest, versions={})


def test_model_load_missing_file_is_unavailable(model):
    name, digest = store.model_save(owner="user-1", model=model)
    store.cache_clear()
    os.remove(_path(name))

    with pytest.raises(store.ModelUnavailable, match="cannot be read"):
        store.model_load(name=name, digest=digest, versions=store.current_versions())


def test_model_load_without_a_file_name_is_unavailable():
    with pytest.raises(store.ModelUnavailable, match="no model file yet"):
        store.model_load(name="", digest="", versions=store.current_versions())


def test_model_load_of_something_else_than_a_model_is_unavailable():
    # Digest and versions check out, but the file holds another object.
    buffer = io.BytesIO()
    joblib.dump({"not": "a model"}, buffer)
    storage = storages[store.STORAGE_ALIAS]
    name = storage.save("models/odd.joblib", io.BytesIO(buffer.getvalue()))
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()

    with pytest.raises(store.ModelUnavailable, match="holds a dict, not a TasteModel"):
        store.model_load(name=name, digest=digest, versions=store.current_versions())


def test_model_load_file_that_cannot_be_unpickled_is_unavailable():
    # Digest matches, but the bytes no longer load (e.g. a class renamed since): rebuild.
    data = b"not a pickle at all"
    storage = storages[store.STORAGE_ALIAS]
    name = storage.save("models/garbage.joblib", io.BytesIO(data))

    with pytest.raises(store.ModelUnavailable, match="cannot be loaded"):
        store.model_load(
            name=name, digest=hashlib.sha256(data).hexdigest(), versions=store.current_versions()
        )


def test_current_versions_names_what_a_file_depends_on():
    versions = store.current_versions()

    assert sorted(versions) == ["features", "joblib", "numpy", "python", "scikit-learn"]
    assert versions["features"] == str(FEATURE_VERSION)
    assert versions["numpy"] == np.__version__


def test_model_delete_removes_the_file(model):
    name, _ = store.model_save(owner="user-1", model=model)

    store.model_delete(name)

    assert os.path.exists(_path(name)) is False


def test_model_delete_of_a_missing_file_or_no_name_is_fine(model):
    name, _ = store.model_save(owner="user-1", model=model)
    store.model_delete(name)

    store.model_delete(name)
    store.model_delete("")

    assert os.path.exists(_path(name)) is False
