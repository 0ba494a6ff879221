"""Jacobians by forward differentials: J(y) = ∂vec(y)/∂vec(x), numerator layout.

``vec`` reads entries row by row (NumPy's order, and the catalog's: ∂z/∂W has one column
per weight W_ij in row-major order), so that

    vec(A dX B) = (A ⊗ Bᵀ) vec(dX)        J(AB) = (I ⊗ Bᵀ) J(A) + (A ⊗ I) J(B)
    vec(f(A)) = f'(A) ⊙ vec(A)            J(f(A)) = diag(vec f'(A)) J(A)

and for columns every Kronecker factor collapses: J(Ax) = A J(x), the familiar rules.
"""

from __future__ import annotations

from derivekit.derivation.rules import CannotDerive, rule, slope
from derivekit.derivation.sequences import Dependence, fresh, recurrence, replace_nodes
from derivekit.expr import build
from derivekit.expr.tree import ELEMENTWISE, Dim, Node, Shape, const, is_scalar, var


def jacobian(f: Node, wrt: Node, used: list[str]) -> Node:
    """∂vec(f)/∂vec(wrt): one row per entry of f, one column per entry of wrt."""
    return Forward(wrt, used).J(f)


def count(shape: Shape) -> Dim:
    """The number of entries of an array of ``shape`` (a name's product for symbolic
    sizes)."""
    out: Dim = 1
    for d in shape:
        out = d if out == 1 else build._times(out, d) if d != 1 else out
    return out


def flat(a: Node) -> Node:
    """vec(a) as a column (row-major); a scalar stays a scalar."""
    if is_scalar(a.shape) or (len(a.shape) == 2 and a.shape[1] == 1):
        return a
    if len(a.shape) == 2 and a.shape[0] == 1:
        return build.transpose(a)
    return build.vec(a)


def _diag(v: Node) -> Node:
    """diag(vec v), or v itself when it is a scalar (then it scales)."""
    v = flat(v)
    return v if is_scalar(v.shape) else build.diag(v)


class Forward:
    def __init__(self, wrt: Node, used: list[str]) -> None:
        self.wrt = wrt
        self.size = count(wrt.shape)
        self.used = used
        self.depends = Dependence(wrt.value)

    def zero(self, y: Node) -> Node:
        return build._zero_like((count(y.shape), self.size))

    def J(self, y: Node) -> Node:  # noqa: N802
        if not self.depends(y):
            return self.zero(y)
        if y.op == "var":
            return const(1) if self.size == 1 else build.identity(self.size)
        if y.op == "log" and y.args[0].op == "softmax":
            y = build.apply("log_softmax", y.args[0].args[0])
        if y.op == "log" and y.args[0].op == "abs":  # d log|u| = du / u
            u = y.args[0].args[0]
            return build.product(_diag(build.reciprocal(u)), self.J(u))
        method = getattr(self, "_" + y.op, None)
        if method is None and y.op in ELEMENTWISE:
            method = self._elementwise
        if method is None:
            from derivekit.derivation.backward import construct

            raise CannotDerive(f"{construct(y)} (Jacobian)")
        self.used.append(rule(y.op))
        self.used.append(rule("jacobian"))
        return method(y)

    # linear ------------------------------------------------------------------------
    def _alias(self, y: Node) -> Node:
        return self.J(y.args[0])

    def _broadcast(self, j: Node, operand: Shape, result: Shape) -> Node:
        """J of an operand broadcast to the result's shape (a bias added to each column)."""
        if tuple(operand) == tuple(result) or count(operand) == count(result):
            return j
        if is_scalar(operand):
            return build.matmul(build.ones((count(result), 1)), j)
        rows, cols = result
        if len(operand) == 2 and operand[1] == 1:  # a column repeated across the columns
            return build.matmul(build.kron(build.identity(rows), build.ones((cols, 1))), j)
        if len(operand) == 2 and operand[0] == 1:  # a row repeated down the rows
            return build.matmul(build.kron(build.ones((rows, 1)), build.identity(cols)), j)
        raise CannotDerive(f"Jacobian of a {operand} operand broadcast to {result}")

    def _add(self, y: Node) -> Node:
        a, b = (self._broadcast(self.J(x), x.shape, y.shape) for x in y.args)
        return build.add(a, b) if y.op == "add" else build.sub(a, b)

    _sub = _add

    def _neg(self, y: Node) -> Node:
        return build.neg(self.J(y.args[0]))

    def _scale(self, y: Node) -> Node:
        s, a = y.args
        return build.add(build.product(flat(a), self.J(s)) if self.depends(s) else self.zero(y),
                         build.scale(s, self.J(a)))

    def _matmul(self, y: Node) -> Node:
        a, b = y.args
        m, n = y.shape
        out = self.zero(y)
        if self.depends(a):
            out = build.add(out, build.product(build.kron(build.identity(m),
                                                           build.transpose(b)), self.J(a)))
        if self.depends(b):
            out = build.add(out, build.product(build.kron(a, build.identity(n)), self.J(b)))
        return out

    def _T(self, y: Node) -> Node:  # noqa: N802
        if len(y.shape) == 2 and 1 in y.shape or is_scalar(y.shape):
            return self.J(y.args[0])  # a vector's entries keep their order
        rows, cols = (build.dimension(d) for d in y.args[0].shape)
        return build.matmul(build.commutation(rows, cols), self.J(y.args[0]))

    def _index(self, y: Node) -> Node:
        from derivekit.derivation.backward import _selectors

        rows, columns = _selectors(y)
        return build.matmul(build.kron(build.transpose(rows), build.transpose(columns)),
                            self.J(y.args[0]))

    def _sum_over(self, y: Node) -> Node:
        lower, upper, body = y.args
        return build.bounded("sum", y.value, lower, upper, self.J(body))

    def _prod_over(self, y: Node) -> Node:
        """J(∏_k B_k) = Σ_k (B_<k ⊗ B_>kᵀ) J(B_k) (scalars: the product rule)."""
        from derivekit.derivation.backward import other_factors

        lower, upper, body = y.args
        before, after = other_factors(y)
        local = build.product(before, after) if is_scalar(y.shape) else \
            build.kron(before, build.transpose(after))
        return build.bounded("sum", y.value, lower, upper, build.product(local, self.J(body)))

    def _total(self, y: Node) -> Node:
        a = y.args[0]
        return build.matmul(build.ones((1, count(a.shape))), self.J(a))

    def _mean(self, y: Node) -> Node:
        return build.divide(self._total(y), build.size_of(y.args[0].shape))

    def _variance(self, y: Node) -> Node:
        a = y.args[0]
        centred = build.sub(a, build.apply("mean", a))
        row = build.transpose(flat(centred))
        return build.divide(build.scale(const(2), build.matmul(row, self.J(a))),
                            build.size_of(a.shape))

    def _std(self, y: Node) -> Node:
        a = y.args[0]
        centred = build.sub(a, build.apply("mean", a))
        row = build.transpose(flat(centred))
        return build.divide(build.matmul(row, self.J(a)),
                            build.product(build.size_of(a.shape), y))

    def _max(self, y: Node) -> Node:
        a = y.args[0]
        where = build.apply("iszero", build.sub(a, y))
        return build.matmul(build.transpose(flat(where)), self.J(a))

    _min = _max

    def _trace(self, y: Node) -> Node:
        a = y.args[0]
        return build.matmul(build.transpose(flat(build.identity(a.shape[0]))), self.J(a))

    def _matrix(self, y: Node) -> Node:
        """A matrix of scalar entries: its vec is the entries in row-major order, so its
        Jacobian stacks theirs."""
        return build.matrix([[self.J(e)] for e in y.args])

    def _blocks(self, y: Node) -> Node:
        """[a; b] of columns: the Jacobians stacked the same way."""
        if y.value != 1 or not all(len(b.shape) == 2 and b.shape[1] == 1 or is_scalar(b.shape)
                                   for b in y.args):
            raise CannotDerive("Jacobian of a block matrix other than a stack of columns")
        return build.matrix([[self.J(b)] for b in y.args])

    def _reshape(self, y: Node) -> Node:
        return self.J(y.args[0])  # row-major in, row-major out: the same order of entries

    _vec = _reshape

    def _flip(self, y: Node) -> Node:
        a = y.args[0]
        reverse = build.flip(build.identity(count(a.shape)), "flipud")
        if y.op == "flipud" and len(a.shape) == 2 and a.shape[1] != 1:
            reverse = build.kron(build.flip(build.identity(a.shape[0]), "flipud"),
                                 build.identity(a.shape[1]))
        return build.matmul(reverse, self.J(a))

    _flipud = _flip

    def _pad(self, y: Node) -> Node:
        """vec(pad(A)) = (E_r ⊗ E_c) vec(A), E the padded identity's columns that A fills."""
        a, rows, cols = y.args
        embed = [build.index(build.identity(big), [(None, None), (r, build.add(r, build.dimension(
            small)))], from_one=False) for big, small, r in zip(y.shape, a.shape, (rows, cols))]
        return build.matmul(build.kron(*embed), self.J(a))

    def _diag(self, y: Node) -> Node:
        """vec(diag(v)) = (I ⊗ 1 ⊙ 1 ⊗ I) v: the entry (i, i) of each row i."""
        v = y.args[0]
        n = v.shape[0]
        place = build.hadamard(build.kron(build.identity(n), build.ones((n, 1))),
                               build.kron(build.ones((n, 1)), build.identity(n)))
        return build.matmul(place, self.J(v))

    def _diagonal(self, y: Node) -> Node:
        a = y.args[0]
        n = a.shape[0]
        place = build.hadamard(build.kron(build.identity(n), build.ones((n, 1))),
                               build.kron(build.ones((n, 1)), build.identity(n)))
        return build.matmul(build.transpose(place), self.J(a))

    def _xcorr(self, y: Node) -> Node:
        """A ⋆ K = Σ_mn K_mn · A[m:m+p, n:n+q]: linear in each, differentiated term by term."""
        return self.J(_as_shifted_sum(*y.args, y.shape))

    def _conv(self, y: Node) -> Node:
        a, k = y.args
        return self.J(_as_shifted_sum(a, build.flip(k), y.shape))

    def _conv_full(self, y: Node) -> Node:
        a, k = y.args
        rows, cols = (build.sub(build.dimension(d), const(1)) for d in k.shape)
        return self.J(_as_shifted_sum(build.pad(a, rows, cols), build.flip(k), y.shape))

    # products ------------------------------------------------------------------------
    def _hadamard(self, y: Node) -> Node:
        a, b = y.args
        if a.shape != b.shape:
            raise CannotDerive("Jacobian of an element-wise product of broadcast operands")
        return build.add(build.product(_diag(b), self.J(a)), build.product(_diag(a), self.J(b)))

    def _div(self, y: Node) -> Node:
        a, b = y.args
        square = build.elementwise_power(b, const(2))
        if is_scalar(b.shape):
            first = build.divide(self.J(a), b)
            return build.sub(first, build.product(build.divide(flat(a), square), self.J(b)))
        if a.shape != b.shape:
            raise CannotDerive("Jacobian of an element-wise quotient of broadcast operands")
        first = build.product(_diag(build.reciprocal(b)), self.J(a))
        return build.sub(first, build.product(_diag(build.divide(a, square)), self.J(b)))

    def _elementwise(self, y: Node) -> Node:
        return build.product(_diag(slope(y)), self.J(y.args[0]))

    def _pow(self, y: Node) -> Node:
        """d(a^b) = b a^(b-1) da + a^b log(a) db, entry by entry."""
        a, k = y.args
        if k.op == "const":
            local = build.scale(k, build.elementwise_power(a, const(k.value - 1)))
            return build.product(_diag(local), self.J(a))
        by_base = build.hadamard(build.product(k, y) if is_scalar(k.shape) else
                                 build.hadamard(k, y), build.reciprocal(a))
        by_exponent = build.hadamard(y, build.apply("log", a))
        out = build.product(_diag(by_base), self.J(a)) if self.depends(a) else self.zero(y)
        if self.depends(k):
            exponent = build.product(flat(by_exponent), self.J(k)) if is_scalar(k.shape) else \
                build.product(_diag(by_exponent), self.J(k))
            out = build.add(out, exponent)
        return out

    def _matpow(self, y: Node) -> Node:
        a, k = y.args
        if k.op != "const":
            raise CannotDerive("Jacobian of a matrix power with a variable exponent")
        out = self.zero(y)
        for j in range(int(k.value)):
            left = build.power(a, const(j)) if j else build.identity(a.shape[0])
            right = build.power(a, const(k.value - 1 - j)) if k.value - 1 - j else \
                build.identity(a.shape[0])
            out = build.add(out, build.matmul(build.kron(left, build.transpose(right)),
                                              self.J(a)))
        return out

    def _inv(self, y: Node) -> Node:
        return build.neg(build.matmul(build.kron(y, build.transpose(y)), self.J(y.args[0])))

    def _det(self, y: Node) -> Node:
        return build.scale(y, self._logdet(y))

    def _logdet(self, y: Node) -> Node:
        a = y.args[0]
        adjugate = build.transpose(build.inverse(a))
        return build.matmul(build.transpose(flat(adjugate)), self.J(a))

    def _softmax(self, y: Node) -> Node:
        outer = build.matmul(y, build.transpose(y))
        return build.product(build.sub(build.diag(y), outer), self.J(y.args[0]))

    def _softmax_rows(self, y: Node) -> Node:
        """Block by block, one block per row i: diag(s_i) - s_i s_iᵀ (vec row-major keeps a
        row's entries together)."""
        rows, cols = y.shape
        v = flat(y)
        blocks = build.kron(build.identity(rows), build.ones((cols, cols)))
        local = build.sub(build.diag(v), build.hadamard(build.matmul(v, build.transpose(v)),
                                                         blocks))
        return build.product(local, self.J(y.args[0]))

    def _log_softmax(self, y: Node) -> Node:
        z = y.args[0]
        s = build.apply("softmax", z)
        n = z.shape[0]
        return build.product(build.sub(build.identity(n), build.matmul(s, build.ones((1, n)))),
                             self.J(z))

    # sequences -----------------------------------------------------------------------
    def _seq(self, y: Node) -> Node:
        """J(s_τ) = Σ_{base<k≤τ} A_τ ⋯ A_{k+1} J_direct(s_k) + A_τ ⋯ A_{base+1} J(start):
        the products run down from τ (written ∏_i A_{τ+k+1-i}, i increasing)."""
        chain = recurrence(y.value)
        tau = y.args[0]
        k_name = fresh(y)
        k = build.index_var(k_name)
        previous = var(f"{chain.sequence.name}'", chain.sequence.shape)
        step = replace_nodes(chain.step(k), {chain.previous(k): previous})
        direct = replace_nodes(self.J(step), {step: chain.entry(k),
                                              previous: chain.previous(k)})
        lower = build.add(chain.base, const(1))
        out = build.bounded("sum", k_name, lower, tau,
                            build.product(self._descending(chain, k, tau, y), direct))
        if self.depends(chain.start):
            at_base = self._descending(chain, chain.base, tau, y)
            out = build.add(out, build.product(at_base, self.J(chain.start)))
        return out

    def _descending(self, chain, after: Node, upper: Node, context: Node) -> Node:  # noqa: ANN001
        """A_upper A_{upper-1} ⋯ A_{after+1}."""
        from derivekit.derivation.backward import _letters, step_jacobian

        letters = _letters(after) + _letters(upper)
        i_name = fresh(context, *letters)
        i = build.index_var(i_name)
        j = build.sub(build.add(build.add(upper, after), const(1)), i)
        factor = step_jacobian(chain, j)
        return build.bounded("prod", i_name, build.add(after, const(1)), upper, factor)


def _as_shifted_sum(a: Node, k: Node, shape: Shape) -> Node:
    """Σ_{m<k0} Σ_{n<k1} K[m, n] · A[m:m+p, n:n+q] for the correlation of shape (p, q)."""
    try:
        p, q = (build.dimension(d) for d in shape)
        k0, k1 = (build.dimension(d) for d in k.shape)
    except build.ShapeError:
        raise CannotDerive("Jacobian of a correlation whose sizes are computed (give them "
                           "numbers or names)") from None
    m_name = fresh(a, *(n.value for n in (k,) if n.op == "index_var"))
    n_name = fresh(a, m_name)
    m, n = build.index_var(m_name), build.index_var(n_name)
    window = build.index(a, [(m, build.add(m, p)), (n, build.add(n, q))], from_one=False)
    weight = build.index(k, [m, n], from_one=False)
    inner = build.bounded("sum", n_name, const(0), build.sub(k1, const(1)),
                          build.scale(weight, window))
    return build.bounded("sum", m_name, const(0), build.sub(k0, const(1)), inner)

