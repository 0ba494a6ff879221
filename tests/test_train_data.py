"""CIFAR-10 loading from fixture files in the python-pickle format; md5 refusals; no download."""

from __future__ import annotations

import hashlib
import pickle
import tarfile
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from derivekit.errors import DerivekitError
from derivekit.train import data


def _write_batches(folder: Path, n: int = 6) -> dict[str, str]:
    """Six small batches laid out like the real ones; returns their md5 table."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    checksums = {}
    for name in (*data.CIFAR10_TRAIN, data.CIFAR10_TEST):
        batch = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 b"labels": [int(x) for x in rng.integers(0, 10, n)]}
        path = folder / name
        path.write_bytes(pickle.dumps(batch, protocol=2))
        checksums[name] = hashlib.md5(path.read_bytes()).hexdigest()
    return checksums


def test_loads_fixture_batches_in_nhwc(tmp_path: Path) -> None:
    checksums = _write_batches(tmp_path / data.CIFAR10_FOLDER)
    ds = data.load_cifar10(tmp_path, checksums=checksums)
    assert ds.train_images.shape == (30, 32, 32, 3) and ds.test_images.shape == (6, 32, 32, 3)
    assert ds.train_images.dtype == np.uint8 and ds.train_labels.dtype == np.int32
    raw = pickle.loads((tmp_path / data.CIFAR10_FOLDER / "data_batch_1").read_bytes())
    first = raw[b"data"][0].reshape(3, 32, 32)
    np.testing.assert_array_equal(ds.train_images[0], first.transpose(1, 2, 0))
    assert list(ds.train_labels[:6]) == raw[b"labels"]
    normalized = data.normalize(ds.train_images)
    assert normalized.min() >= -1.0 and normalized.max() <= 1.0
    np.testing.assert_allclose(normalized[0, 0, 0], (first[:, 0, 0] / 255 - 0.5) / 0.5, atol=1e-6)


def test_extracts_a_verified_archive(tmp_path: Path) -> None:
    checksums = _write_batches(tmp_path / "src" / data.CIFAR10_FOLDER)
    archive = tmp_path / "root" / data.CIFAR10_ARCHIVE
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "src" / data.CIFAR10_FOLDER, arcname=data.CIFAR10_FOLDER)
    checksums[data.CIFAR10_ARCHIVE] = hashlib.md5(archive.read_bytes()).hexdigest()
    assert data.load_cifar10(archive.parent, checksums=checksums).train_labels.shape == (30,)


def test_refuses_corrupt_and_partial_files(tmp_path: Path) -> None:
    folder = tmp_path / data.CIFAR10_FOLDER
    checksums = _write_batches(folder)
    path = folder / "data_batch_3"
    good = path.read_bytes()
    path.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    with pytest.raises(DerivekitError, match="data_batch_3 is corrupt or incomplete"):
        data.load_cifar10(tmp_path, checksums=checksums)
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(DerivekitError, match="corrupt or incomplete"):
        data.load_cifar10(tmp_path, checksums=checksums)


def test_real_checksums_refuse_fixture_files(tmp_path: Path) -> None:
    _write_batches(tmp_path / data.CIFAR10_FOLDER)
    with pytest.raises(DerivekitError, match="expected c99cafc152244af753f735de768cd75f"):
        data.load_cifar10(tmp_path)


def test_missing_data_says_where_and_does_not_download(tmp_path: Path, monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("downloaded without --download")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)
    with pytest.raises(DerivekitError, match=r"not found in .*cifar-10-python.tar.gz.*--download"):
        data.load_cifar10(tmp_path)


def test_download_offline_is_one_clear_error(tmp_path: Path, monkeypatch) -> None:
    def offline(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(data.urllib.request, "urlopen", offline)
    with pytest.raises(DerivekitError, match="cannot download .*put cifar-10-python.tar.gz in"):
        data.load_cifar10(tmp_path, download=True)
    assert not list(tmp_path.iterdir())


def test_data_dir_from_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(data.CIFAR10_ENV, raising=False)
    with pytest.raises(DerivekitError, match="--data-dir"):
        data.cifar10_dir(None)
    monkeypatch.setenv(data.CIFAR10_ENV, str(tmp_path))
    assert data.cifar10_dir(None) == tmp_path


def test_synthetic_data_has_cifar_shapes_and_is_deterministic() -> None:
    a, b = data.synthetic_cifar10(64, 16, seed=3), data.synthetic_cifar10(64, 16, seed=3)
    assert a.train_images.shape == (64, 32, 32, 3) and a.train_images.dtype == np.uint8
    np.testing.assert_array_equal(a.train_images, b.train_images)
    colour = data.synthetic_colourization(24, 8, 4)
    assert colour.train_images.shape == (8, 32, 32, 1) and colour.train_labels.shape == (8, 32, 32)
    assert colour.train_labels.max() < 24
