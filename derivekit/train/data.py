"""Datasets as uint8 NHWC arrays: CIFAR-10 (python pickles), a synthetic stand-in, sklearn digits.

Images stay uint8 until the jitted step normalises them, so a whole training set sits on the
device at a quarter of its float size.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tarfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from derivekit.errors import DerivekitError

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_ENV = "DERIVEKIT_CIFAR10"
CIFAR10_TRAIN = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")
CIFAR10_TEST = "test_batch"
#: md5 of the official archive and of each batch (the values torchvision checks too).
CIFAR10_MD5 = {
    CIFAR10_ARCHIVE: "c58f30108f718f92721af3b95e74349a",
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}


@dataclass(frozen=True)
class Dataset:
    """Train and test split; labels are class ids per image (or per pixel for colourization)."""

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    num_classes: int


def normalize(images):
    """``Normalize(0.5, 0.5)`` on [0, 1] pixels, as the seed-000 notebook: uint8 → [−1, 1]."""
    return images.astype("float32") / 127.5 - 1.0


# ------------------------------------------------------------------------------------ CIFAR-10
def cifar10_dir(data_dir: Path | None) -> Path:
    """``--data-dir``, else ``$DERIVEKIT_CIFAR10``; a clear error when neither is given."""
    if data_dir is None:
        env = os.environ.get(CIFAR10_ENV)
        if not env:
            raise DerivekitError(f"no CIFAR-10 location: pass --data-dir DIR or set {CIFAR10_ENV} "
                                 "(or use --synthetic)")
        data_dir = Path(env)
    return Path(data_dir).expanduser()


def load_cifar10(root: Path, *, download: bool = False,
                 checksums: Mapping[str, str] = CIFAR10_MD5) -> Dataset:
    """Load CIFAR-10 from ``root`` (extracted batches or the archive), checking every md5.

    The md5 check runs before unpickling, so only the known files are ever unpickled.
    """
    folder = _batches_folder(root, download, checksums)
    for name in (*CIFAR10_TRAIN, CIFAR10_TEST):
        _check_md5(folder / name, checksums[name])
    train = [_read_batch(folder / name) for name in CIFAR10_TRAIN]
    test_images, test_labels = _read_batch(folder / CIFAR10_TEST)
    return Dataset("cifar10", np.concatenate([x for x, _ in train]),
                   np.concatenate([y for _, y in train]), test_images, test_labels, 10)


def _batches_folder(root: Path, download: bool, checksums: Mapping[str, str]) -> Path:
    for folder in (root / CIFAR10_FOLDER, root):
        if (folder / CIFAR10_TEST).exists() or (folder / CIFAR10_TRAIN[0]).exists():
            return folder
    archive = root / CIFAR10_ARCHIVE
    if not archive.exists():
        if not download:
            raise DerivekitError(
                f"CIFAR-10 not found in {root}: put {CIFAR10_ARCHIVE} (from {CIFAR10_URL}) or its "
                f"extracted {CIFAR10_FOLDER}/ there, or pass --download")
        _download(archive, checksums[CIFAR10_ARCHIVE])
    _check_md5(archive, checksums[CIFAR10_ARCHIVE])
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(root, filter="data")
    return root / CIFAR10_FOLDER


def _download(target: Path, md5: str) -> None:
    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(CIFAR10_URL, timeout=60) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise DerivekitError(f"cannot download {CIFAR10_URL} ({exc}); download it yourself and "
                             f"put {CIFAR10_ARCHIVE} in {target.parent}") from None
    _check_md5(partial, md5)
    partial.replace(target)


def _check_md5(path: Path, expected: str) -> None:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise DerivekitError(f"{path} is corrupt or incomplete (md5 {digest.hexdigest()}, expected "
                             f"{expected}); delete it and download it again")


def _read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with open(path, "rb") as handle:
        batch = pickle.load(handle, encoding="bytes")
    images = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return images.transpose(0, 2, 3, 1).copy(), np.asarray(batch[b"labels"], dtype=np.int32)


# ---------------------------------------------------------------------------------- stand-ins
def synthetic_cifar10(n_train: int = 50_000, n_test: int = 10_000, seed: int = 0) -> Dataset:
    """CIFAR-10 shapes, ten classes; each image is its class's fixed random template under noise,
    so a network can learn it (well above 10 %) but not trivially in one step."""
    rng = np.random.default_rng(seed)
    templates = rng.integers(0, 256, size=(10, 32, 32, 3), dtype=np.uint16)

    def split(n: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.integers(0, 10, size=n, dtype=np.int32)
        noise = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
        # 45 % template, 55 % noise, in integers (no float copy of 150 M pixels).
        mixed = (45 * templates[labels] + 55 * noise.astype(np.uint16)) // 100
        return mixed.astype(np.uint8), labels

    return Dataset("synthetic", *split(n_train), *split(n_test), 10)


def synthetic_colourization(num_colours: int, n_train: int = 2_000, n_test: int = 500,
                            seed: int = 0) -> Dataset:
    """Grayscale 32×32 inputs whose per-pixel colour class is a function of the local grey level:
    the seed-004 task's shapes without its k-means colour file."""
    rng = np.random.default_rng(seed)

    def split(n: int) -> tuple[np.ndarray, np.ndarray]:
        coarse = rng.uniform(0, 255, size=(n, 8, 8, 1))
        grey = np.repeat(np.repeat(coarse, 4, axis=1), 4, axis=2).astype(np.uint8)
        return grey, (grey[..., 0].astype(np.int32) * num_colours // 256)

    return Dataset("synthetic-colour", *split(n_train), *split(n_test), num_colours)


def digits(n_test: int = 297) -> Dataset:
    """scikit-learn's 1797 handwritten digits (real images shipped in the package), scaled to
    CIFAR-10's 32×32×3 uint8 layout: a real-data check of the trainer without a download."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = np.round(bunch.images * (255 / 16)).astype(np.uint8)
    images = np.repeat(np.repeat(images, 4, axis=1), 4, axis=2)[..., None].repeat(3, axis=-1)
    labels = bunch.target.astype(np.int32)
    return Dataset("digits", images[:-n_test], labels[:-n_test], images[-n_test:],
                   labels[-n_test:], 10)
