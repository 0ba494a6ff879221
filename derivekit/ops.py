"""Backend-neutral math for stating problems: one definition, traced by SymPy and by JAX.

A problem writes its function once, e.g. ``log(sigmoid(W_d @ z))``. Called with explicit
SymPy matrices it yields the symbolic expression that the derivation differentiates entry by
entry; called with NumPy arrays or JAX tracers it yields numbers that the witnesses
differentiate by autodiff and finite differences. The function and its derivative are
therefore never two hand-written copies of one mistake.

Every backend follows NumPy semantics: the symbolic one holds SymPy (or SymEngine, SymPy's
fast C++ core, used where only differentiation is needed) expressions in NumPy object
arrays, so ``@`` is the matrix product, ``*`` (or :func:`hadamard`) the element-wise one,
``1 - D`` broadcasts, and ``.T`` transposes. Vectors are column matrices, so ``x.T @ x``
is a 1x1 matrix: :func:`scalar` turns it into a scalar.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

__all__ = [
    "abs_",
    "commutation",
    "arccos",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "conv",
    "conv_full",
    "cos",
    "cosh",
    "det",
    "diag",
    "diagonal",
    "eigh",
    "eigmax",
    "eigmin",
    "ceil",
    "exp",
    "flip",
    "flipud",
    "floor",
    "hadamard",
    "identity_like",
    "inv",
    "iszero",
    "kron",
    "log",
    "log_softmax",
    "logdet",
    "logic_and",
    "logic_not",
    "logic_or",
    "logic_xor",
    "matrix_power",
    "max_entry",
    "maxpool",
    "mean",
    "min_entry",
    "nonneg",
    "pad",
    "power",
    "pi",
    "prod",
    "relu",
    "reshape",
    "scalar",
    "product_of",
    "sign",
    "span",
    "take",
    "sigmoid",
    "sin",
    "sinh",
    "softmax",
    "softmax_rows",
    "softplus",
    "sqnorm",
    "sqrt",
    "std",
    "step",
    "tan",
    "tanh",
    "total",
    "trace",
    "variance",
    "vec",
    "vstack",
    "xcorr",
    "SymbolicUnsupported",
]


class SymbolicUnsupported(NotImplementedError):
    """An operation with no symbolic form here (eigendecomposition of a symbolic matrix)."""


_SYMBOLIC_LIBRARY = ContextVar("derivekit_symbolic_library", default="")
SYMBOLIC_LIBRARIES = ("sympy", "symengine")


@contextmanager
def symbolic(library: str = "sympy") -> Iterator[None]:
    """Inside, symbolic ops use ``library``, and ops on plain Python numbers return exact
    values of it (``log(4)``, not 1.386)."""
    token = _SYMBOLIC_LIBRARY.set(library)
    try:
        yield
    finally:
        _SYMBOLIC_LIBRARY.reset(token)


def _library() -> Any:
    import importlib

    return importlib.import_module(_SYMBOLIC_LIBRARY.get() or "sympy")


def _is_object_array(a: Any) -> bool:
    dtype = getattr(a, "dtype", None)
    return dtype is not None and getattr(dtype, "kind", "") == "O"


def backend(*args: Any) -> str:
    """'symbolic', 'jax' or 'numpy': the kind of values the arguments are."""
    found = None
    for a in args:
        module = type(a).__module__
        if module.startswith(SYMBOLIC_LIBRARIES) or _is_object_array(a):
            return "symbolic"
        if module.startswith("jax"):
            found = "jax"
        elif module.startswith("numpy"):
            found = found or "numpy"
    return found or ("symbolic" if _SYMBOLIC_LIBRARY.get() else "numpy")


def _np(kind: str) -> Any:
    """The array module for a backend (symbolic arrays are NumPy object arrays)."""
    if kind == "jax":
        import jax.numpy as jnp

        return jnp
    import numpy as np

    return np


def _elementwise(name: str, numeric: Callable[[Any, Any], Any], doc: str) -> Callable:
    def op(x: Any) -> Any:
        kind = backend(x)
        if kind == "symbolic":
            import numpy as np

            lib = _library()
            custom = _SYMBOLIC_FUNCTIONS.get(name)
            fn = (lambda e: custom(lib, lib.sympify(e))) if custom else getattr(lib, name)
            if isinstance(x, np.ndarray):
                return np.vectorize(fn, otypes=[object])(x)
            return fn(x)
        return numeric(_np(kind), x)

    op.__name__ = name.lower()
    op.__doc__ = doc
    return op


_SYMBOLIC_FUNCTIONS: dict[str, Callable[[Any, Any], Any]] = {
    "sigmoid": lambda lib, x: 1 / (1 + lib.exp(-x)),
    "relu": lambda lib, x: lib.Piecewise((x, x > 0), (0, True)),
    "step": lambda lib, x: lib.Piecewise((1, x > 0), (0, True)),
    "nonneg": lambda lib, x: lib.Piecewise((1, x >= 0), (0, True)),
    "iszero": lambda lib, x: lib.Piecewise((1, lib.Eq(x, 0)), (0, True)),
}

sigmoid = _elementwise("sigmoid", lambda np, x: 1 / (1 + np.exp(-x)),
                       "Logistic function 1/(1+e^{-x}), element-wise.")
relu = _elementwise("relu", lambda np, x: np.where(x > 0, x, 0.0),
                    "max(x, 0) element-wise; its derivative is :func:`step` (undefined at 0).")
nonneg = _elementwise("nonneg", lambda np, x: np.where(x >= 0, 1.0, 0.0),
                      "The indicator 1[x >= 0] element-wise (integer-valued arguments).")
step = _elementwise("step", lambda np, x: np.where(x > 0, 1.0, 0.0),
                    "The indicator 1[x > 0] element-wise (the derivative of ReLU away from 0).")
tanh = _elementwise("tanh", lambda np, x: np.tanh(x), "Hyperbolic tangent, element-wise.")
exp = _elementwise("exp", lambda np, x: np.exp(x), "Exponential, element-wise.")
sin = _elementwise("sin", lambda np, x: np.sin(x), "Sine, element-wise.")
cos = _elementwise("cos", lambda np, x: np.cos(x), "Cosine, element-wise.")
tan = _elementwise("tan", lambda np, x: np.tan(x), "Tangent, element-wise.")
arctan = _elementwise("atan", lambda np, x: np.arctan(x), "Inverse tangent, element-wise.")
arcsin = _elementwise("asin", lambda np, x: np.arcsin(x), "Inverse sine, element-wise.")
arccos = _elementwise("acos", lambda np, x: np.arccos(x), "Inverse cosine, element-wise.")
sinh = _elementwise("sinh", lambda np, x: np.sinh(x), "Hyperbolic sine, element-wise.")
cosh = _elementwise("cosh", lambda np, x: np.cosh(x), "Hyperbolic cosine, element-wise.")
arctanh = _elementwise("atanh", lambda np, x: np.arctanh(x),
                       "Inverse hyperbolic tangent, element-wise.")
arcsinh = _elementwise("asinh", lambda np, x: np.arcsinh(x),
                       "Inverse hyperbolic sine, element-wise.")
iszero = _elementwise("iszero", lambda np, x: np.where(x == 0, 1.0, 0.0),
                      "The indicator 1[x = 0] element-wise (1[A = max A]: where the max is).")
log = _elementwise("log", lambda np, x: np.log(x), "Natural logarithm, element-wise.")
sqrt = _elementwise("sqrt", lambda np, x: np.sqrt(x), "Square root, element-wise.")
floor = _elementwise("floor", lambda np, x: np.floor(x), "Round down, element-wise.")
ceil = _elementwise("ceiling", lambda np, x: np.ceil(x), "Round up, element-wise.")
abs_ = _elementwise("Abs", lambda np, x: np.abs(x), "Absolute value, element-wise.")
sign = _elementwise("sign", lambda np, x: np.sign(x), "-1, 0 or 1 by the sign, element-wise.")


def pi() -> Any:
    """π: exact under the symbolic backend, a float otherwise."""
    return _library().pi if _SYMBOLIC_LIBRARY.get() else 3.141592653589793


def hadamard(a: Any, b: Any) -> Any:
    """Element-wise product a ⊙ b (NumPy broadcasting): the same as ``a * b``."""
    return a * b


def power(a: Any, b: Any) -> Any:
    """Element-wise a ** b."""
    return a**b


def product_of(terms: Any) -> Any:
    """The product of scalar terms (1 for none): generated code's ∏_{j=a}^{b}."""
    out = 1.0
    for term in terms:
        out = out * term
    return out


def span(lower: Any, upper: Any, size: int, from_one: bool) -> tuple[int, int]:
    """Python slice bounds (start, stop) of ``lower:upper`` on an axis of ``size``: counted
    from 1 with the end included (``from_one``, a subscript) or NumPy's; ValueError for a
    range outside the axis or empty."""
    if from_one:
        start = 1 if lower is None else int(lower)
        stop = size if upper is None else int(upper)
        if not 1 <= start <= stop <= size:
            raise ValueError(f"range {start}:{stop} is outside 1..{size} or empty")
        return start - 1, stop
    start, stop, _ = slice(None if lower is None else int(lower),
                           None if upper is None else int(upper)).indices(size)
    if stop <= start:
        ends = ["" if end is None else int(end) for end in (lower, upper)]
        raise ValueError(f"range {ends[0]}:{ends[1]} of an axis of length {size} is empty")
    return start, stop


def take(a: Any, items: tuple, from_one: bool, axes: tuple[int, ...], single: bool) -> Any:
    """Entries of ``a``: per axis in ``axes``, ``("at", k)`` or ``("span", lower, upper)``.
    A matrix stays 2-D (a row or column), a larger array loses the axes taken at one index
    (a 1-D rest becomes a column), and ``single`` asks for the one entry. IndexError for
    an index outside its axis."""
    keys = [slice(None)] * a.ndim
    dropped = []
    for axis, item in zip(axes, items):
        size = a.shape[axis]
        if item[0] == "at":
            k = int(item[1])
            if k != item[1]:
                raise IndexError(f"index {float(item[1]):g} is not a whole number")
            if not (1 <= k <= size if from_one else -size <= k < size):
                first, last = (1, size) if from_one else (-size, size - 1)
                raise IndexError(f"index {k} is outside {first}..{last}")
            k = k - 1 if from_one else k % size
            keys[axis] = slice(k, k + 1)
            dropped.append(axis)
        else:
            try:
                keys[axis] = slice(*span(item[1], item[2], size, from_one))
            except ValueError as exc:
                raise IndexError(str(exc)) from None
    out = a[tuple(keys)]
    if single:
        return scalar(out)
    if a.ndim != 2:
        out = out.reshape(tuple(n for axis, n in enumerate(out.shape) if axis not in dropped))
        return out.reshape(-1, 1) if out.ndim == 1 else out
    return out


def logic_not(a: Any) -> Any:
    """¬a on 0/1 entries, as arithmetic (so every backend has it): 1 - a."""
    return 1 - a


def logic_and(a: Any, b: Any) -> Any:
    """a ∧ b on 0/1 entries: ab."""
    return a * b


def logic_or(a: Any, b: Any) -> Any:
    """a ∨ b on 0/1 entries: a + b - ab."""
    return a + b - a * b


def logic_xor(a: Any, b: Any) -> Any:
    """a ⊕ b on 0/1 entries: a + b - 2ab."""
    return a + b - 2 * a * b


def scalar(m: Any) -> Any:
    """The single entry of a 1x1 matrix (scalars pass through)."""
    size = getattr(m, "size", 1)
    if size != 1:
        raise ValueError(f"scalar() needs a 1x1 matrix, got shape {m.shape}")
    if backend(m) == "symbolic":
        return m.item() if hasattr(m, "item") else m
    return m.reshape(()) if hasattr(m, "reshape") else m


def trace(a: Any) -> Any:
    """Sum of the diagonal."""
    return _np(backend(a)).trace(a)


def total(a: Any) -> Any:
    """Sum of all entries (Σ_i x_i for a vector)."""
    return _np(backend(a)).sum(a)


def prod(a: Any) -> Any:
    """Product of all entries (Π_i x_i)."""
    return _np(backend(a)).prod(a)


def softmax(a: Any) -> Any:
    """exp(a) / Σ exp(a): over the entries of a column of logits, along each row of a matrix
    (one sample a row, as in attention) — what ``softmax`` means in the notation too. No
    max-shift, so keep the logits of a problem moderate."""
    if getattr(a, "ndim", 0) == 2 and a.shape[1] != 1:
        return softmax_rows(a)
    return exp(a) / total(exp(a))


def softmax_rows(a: Any) -> Any:
    """Softmax of each row of a matrix (attention weights softmax(QKᵀ/√d))."""
    e = exp(a)
    return e / _np(backend(a)).sum(e, axis=1, keepdims=True)


def log_softmax(a: Any) -> Any:
    """log softmax(a) = a - log Σ exp(a), over all entries."""
    return a - log(total(exp(a)))


def softplus(a: Any) -> Any:
    """log(1 + e^a) element-wise (its derivative is the sigmoid)."""
    return log(1 + exp(a))


def sqnorm(a: Any) -> Any:
    """Squared Euclidean (Frobenius) norm ‖a‖²."""
    return total(a * a)


def max_entry(a: Any) -> Any:
    """Largest entry."""
    if backend(a) == "symbolic":
        return _library().Max(*a.ravel()) if hasattr(a, "ravel") else a
    return a.max()


def min_entry(a: Any) -> Any:
    """Smallest entry."""
    if backend(a) == "symbolic":
        return _library().Min(*a.ravel()) if hasattr(a, "ravel") else a
    return a.min()


def mean(a: Any) -> Any:
    """The mean of all entries."""
    return total(a) / getattr(a, "size", 1)


def variance(a: Any) -> Any:
    """The population variance of all entries, mean((a - mean(a))²) (LayerNorm's σ²)."""
    centred = a - mean(a)
    return mean(centred * centred)


def std(a: Any) -> Any:
    """The population standard deviation of all entries, √variance(a)."""
    return sqrt(variance(a))


def commutation(rows: int, cols: int) -> Any:
    """K with vec(Aᵀ) = K vec(A) for a rows x cols matrix A, vec row-major (a permutation)."""
    import numpy as np

    out = np.zeros((rows * cols, rows * cols))
    for i in range(rows):
        for j in range(cols):
            out[j * rows + i, i * cols + j] = 1.0
    return out


def maxpool(a: Any, k: int) -> Any:
    """Max over non-overlapping k x k windows (stride k) of a matrix whose sides k divides."""
    rows, cols = a.shape[0] // k, a.shape[1] // k
    blocks = a[:rows * k, :cols * k].reshape(rows, k, cols, k)
    if backend(a) == "symbolic":
        import numpy as np

        lib = _library()
        return np.array([[lib.Max(*blocks[i, :, j, :].ravel()) for j in range(cols)]
                         for i in range(rows)], dtype=object)
    return blocks.max(axis=(1, 3))


def diag(v: Any) -> Any:
    """Diagonal matrix with the entries of the vector ``v`` on its diagonal."""
    kind = backend(v)
    np = _np(kind)
    flat = np.reshape(v, (-1,))
    if kind != "symbolic":
        return np.diag(flat)
    out = np.zeros((len(flat), len(flat)), dtype=int).astype(object)
    for i, entry in enumerate(flat):
        out[i, i] = entry
    return out


def rational(numerator: int, denominator: int = 1) -> Any:
    """An exact fraction under the symbolic backend, a float otherwise."""
    if _SYMBOLIC_LIBRARY.get():
        return _library().Rational(numerator, denominator)
    return numerator / denominator


def full(shape: tuple[int, ...], value: float, *like: Any) -> Any:
    """An array of ``value`` in the backend of ``like`` (object entries when symbolic)."""
    kind = backend(*like)
    if kind == "symbolic":
        import numpy as np

        return np.full(shape, rational(int(value)), dtype=object)
    return _np(kind).full(shape, value)


def from_rows(rows: list[list[Any]]) -> Any:
    """A matrix from rows of scalar entries, in the entries' backend."""
    kind = backend(*(e for row in rows for e in row))
    np = _np(kind)
    if kind == "symbolic":
        import numpy

        return numpy.array(rows, dtype=object)
    return np.array(rows, dtype=float) if kind == "numpy" else np.array(rows)


def diagonal(a: Any) -> Any:
    """The diagonal of a square matrix, as a column."""
    kind = backend(a)
    if kind == "symbolic":
        return from_rows([[a[i, i]] for i in range(a.shape[0])])
    return _np(kind).reshape(_np(kind).diagonal(a), (-1, 1))


def identity_like(a: Any) -> Any:
    """The identity with as many rows as ``a``."""
    kind = backend(a)
    n = a.shape[0]
    if kind == "symbolic":
        import numpy as np

        return np.identity(n, dtype=int).astype(object)
    return _np(kind).eye(n)


def vstack(*blocks: Any) -> Any:
    """Blocks stacked vertically ([a; b]); scalars count as 1x1 blocks."""
    kind = backend(*blocks)
    np = _np(kind)
    rows = []
    for b in blocks:
        if np.ndim(b) == 0:
            b = np.full((1, 1), b, dtype=object) if kind == "symbolic" else np.reshape(
                np.asarray(b, dtype=float), (1, 1))
        rows.append(b)
    return np.concatenate(rows, axis=0)


def inv(a: Any) -> Any:
    """Matrix inverse."""
    kind = backend(a)
    if kind == "symbolic":
        import numpy as np

        return np.array(_library().Matrix(a.tolist()).inv().tolist(), dtype=object)
    return _np(kind).linalg.inv(a)


def det(a: Any) -> Any:
    """Determinant of a square matrix."""
    kind = backend(a)
    if kind == "symbolic":
        return _library().Matrix(a.tolist()).det()
    return _np(kind).linalg.det(a)


def logdet(a: Any) -> Any:
    """log det A (A with positive determinant: SPD matrices, for instance)."""
    return log(det(a))


def kron(a: Any, b: Any) -> Any:
    """Kronecker product a ⊗ b."""
    return _np(backend(a, b)).kron(a, b)


def matrix_power(a: Any, t: Any) -> Any:
    """A^t for a square matrix and an integer t."""
    if not isinstance(t, int) and not hasattr(t, "__index__"):
        raise SymbolicUnsupported("matrix power with a symbolic exponent")
    return _np(backend(a)).linalg.matrix_power(a, int(t))


def eigh(h: Any) -> tuple[Any, Any]:
    """Eigenvalues (ascending, as a column) and orthonormal eigenvectors of a symmetric matrix."""
    kind = backend(h)
    if kind == "symbolic":
        raise SymbolicUnsupported("eigendecomposition of a symbolic matrix")
    values, vectors = _np(kind).linalg.eigh(h)
    return values.reshape(-1, 1), vectors


def eigmax(h: Any) -> Any:
    """Largest eigenvalue of a symmetric matrix (λ_max: GD step-size bounds)."""
    return eigh(h)[0][-1, 0]


def eigmin(h: Any) -> Any:
    """Smallest eigenvalue of a symmetric matrix (λ_min)."""
    return eigh(h)[0][0, 0]


def flip(a: Any) -> Any:
    """Every axis reversed (NumPy's ``flip``): a matrix rotated by 180°, a column read
    backwards. Convolution is cross-correlation with the flipped kernel."""
    return a[(slice(None, None, -1),) * a.ndim]


def flipud(a: Any) -> Any:
    """The rows in reverse order: the row permutation X -> PX that reverses a sequence."""
    return a[::-1]


def pad(a: Any, rows: int, cols: int) -> Any:
    """A matrix with ``rows`` zero rows above and below and ``cols`` zero columns left and
    right (``pad(G, k-1, l-1)`` turns a valid correlation into a full one)."""
    return _np(backend(a)).pad(a, ((rows, rows), (cols, cols)))


def reshape(a: Any, rows: int, cols: int) -> Any:
    """The entries of ``a`` in row-major (NumPy, C) order refilled into a rows x cols matrix."""
    return _np(backend(a)).reshape(a, (rows, cols))


def vec(a: Any) -> Any:
    """The entries of ``a`` in row-major order as one column (NumPy's ``reshape(-1, 1)``, the
    flattening of the catalog's conv-as-dense problem; not the column-stacking vec of the
    Kronecker identities)."""
    return _np(backend(a)).reshape(a, (-1, 1))


def xcorr(a: Any, k: Any) -> Any:
    """Valid 2-D cross-correlation, what a CNN layer computes (no flip):
    out_ij = Σ_mn a_{i+m, j+n} k_mn, of shape (a0 - k0 + 1, a1 - k1 + 1)."""
    if backend(a, k) != "jax":  # NumPy and object arrays: one product over all windows
        import numpy as np

        windows = np.lib.stride_tricks.sliding_window_view(a, k.shape)
        return np.einsum("ijmn,mn->ij", windows, k)
    p, q = a.shape[0] - k.shape[0] + 1, a.shape[1] - k.shape[1] + 1
    return sum(k[m, n] * a[m:m + p, n:n + q]
               for m in range(k.shape[0]) for n in range(k.shape[1]))


def conv(a: Any, k: Any) -> Any:
    """Valid 2-D convolution: the cross-correlation with the flipped kernel."""
    return xcorr(a, flip(k))


def conv_full(a: Any, k: Any) -> Any:
    """Full 2-D convolution (a ⊛ k)_ij = Σ_mn a_mn k_{i-m, j-n}, zero outside both, of shape
    (a0 + k0 - 1, a1 + k1 - 1); commutative. For columns, the signal convolution x * h."""
    return conv(pad(a, k.shape[0] - 1, k.shape[1] - 1), k)
