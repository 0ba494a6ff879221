"""Seed 002 §14: RNN transition Jacobian, BPTT as products of Jacobians, and stability."""

from derivekit.model import POSITIVE, UNIT, Claim, ConvergenceRange, Derivative, Given, Problem, \
    Source, Wrong, interval
from derivekit.ops import diag, identity_like, matrix_power, max_entry, sqrt, tanh, vstack

STATES = "h_t = tanh(W_h @ h_{t-1} + W_x @ X[:, t-1] + b)"
"""The hidden states, h_0 = h0 (the given) and h_t for t = 1..T (x_t is column t of X)."""
LOSS = f"sum_{{t=1}}^{{T}} sqnorm(W_y @ h_t + c - Y[:, t-1])/2 where {STATES}"
"""L = Σ_t ½‖y_t - ŷ_t‖², y_t = W_y h_t + c (a linear read-out)."""


STATES_TEX = r"h_t=\tanh(W_hh_{t-1}+W_xx_t+b),\ x_t=X_{:,t}"
"""The states as the sheet's where-clauses write them (h_0 is the given)."""
OUTPUTS_TEX = r"y_t=W_yh_t+c,\ \hat y_t=\hat Y_{:,t},\ " + STATES_TEX
"""The read-outs y_t and the targets ŷ_t (columns of Ŷ), with the states."""
DELTAS_TEX = (r"\delta_T=W_y^Te_T,\ \delta_t=W_y^Te_t+J_{t+1}^T\delta_{t+1},\ e_t=y_t-\hat y_t,"
              r"\ J_t=\operatorname{diag}(1-h_t^2)W_h,\ " + OUTPUTS_TEX)
"""δ_t = ∂L/∂h_t by its backward recursion, with everything it uses."""


def unroll(h0, X, W_h, W_x, b):
    """Hidden states h_0..h_T of h_t = tanh(W_h h_{t-1} + W_x x_t + b), x_t = column t of X."""
    states = [h0]
    for t in range(X.shape[1]):
        states.append(tanh(W_h @ states[-1] + W_x @ X[:, t:t + 1] + b))
    return states


def jacobian(h_next, W_h):
    """J = dh_t/dh_{t-1} = diag(tanh'(a_t)) W_h, written with h_t = tanh(a_t)."""
    return diag(1 - h_next ** 2) @ W_h


def immediate(states, Y, W_y, c, t):
    """dL_t/dh_t (a column)."""
    return W_y.T @ (W_y @ states[t] + c - Y[:, t - 1:t])


def jacobian_product(states, W_h, t, k):
    """dh_k/dh_t = J_k J_{k-1} ... J_{t+1} (numerator layout: the latest step on the left)."""
    out = identity_like(W_h)
    for j in range(t + 1, k + 1):
        out = jacobian(states[j], W_h) @ out
    return out


def seed_dL_dh(states, Y, W_h, W_y, c, t):
    """The seed's step 2: dL_t/dh_t + sum_{k>t} dL_k/dh_k prod_{j=t+1}^k J_j, each term
    as an explicit product of Jacobians (no recursion)."""
    T = len(states) - 1
    return immediate(states, Y, W_y, c, t) + sum(
        (jacobian_product(states, W_h, t, k).T @ immediate(states, Y, W_y, c, k)
         for k in range(t + 1, T + 1)), 0 * states[0])


def seed_gradient(through):
    """The seed's step 3, sum_t dL/dh_t * phi'(a_t) ∂a_t/∂θ: ``through(states, X, t)`` is the
    factor ∂a_t/∂θ (h_{t-1}^T for W_h, x_t^T for W_x, none for b)."""
    def gradient(h0, X, Y, W_h, W_x, b, W_y, c):
        states = unroll(h0, X, W_h, W_x, b)
        return sum(through(seed_dL_dh(states, Y, W_h, W_y, c, t) * (1 - states[t] ** 2),
                           states, X, t) for t in range(1, len(states)))
    return gradient


def ones(a):
    """A perturbation with both components excited."""
    return vstack(1 + 0 * a, 1 + 0 * a)


def perturb(state, gamma, a, bb, p, q):
    """delta -> J delta with J = gamma diag(p, q) [[0, a], [bb, 0]] (W_h = gamma W_0)."""
    return vstack(gamma * p * a * state[1:2, :], gamma * q * bb * state[0:1, :])


def constant_step(state, gamma, a, bb, p1, q1):
    return perturb(state, gamma, a, bb, p1, q1)


def alternating_step(state, gamma, a, bb, p1, q1, p2, q2):
    """Two time steps, J_2 J_1, whose tanh' factors alternate between diag(p1,q1), diag(p2,q2)."""
    return perturb(perturb(state, gamma, a, bb, p1, q1), gamma, a, bb, p2, q2)


def eigenvalue_bound(a, bb, p1, q1):
    """|gamma| below which the eigenvalues +-gamma sqrt(p q a bb) of J have modulus < 1."""
    return 1 / sqrt(p1 * q1 * a * bb)


def alternating_bound(a, bb, p1, q1, p2, q2):
    """J_2 J_1 = gamma^2 a bb diag(p2 q1, q2 p1): its spectral radius reaches 1 here."""
    return 1 / sqrt(a * bb * max_entry(vstack(p2 * q1, p1 * q2)))


def seed_alternating_bound(a, bb, p1, q1, p2, q2):
    """Every J_t has eigenvalues of modulus < 1."""
    return 1 / sqrt(a * bb * max_entry(vstack(p1 * q1, p2 * q2)))


PROBLEM = Problem(
    id="rnn-bptt-stability",
    title="RNN hidden-state Jacobian, backpropagation through time and stability",
    source=Source("002_a2d52afd229cfba6.txt", "14"),
    statement=(
        r"An RNN updates $h_t=\tanh(W_hh_{t-1}+W_xx_t+b)$ and reads out $y_t=W_yh_t+c$ with "
        r"loss $L=\sum_{t=1}^T\frac12\|y_t-\hat y_t\|^2$. Derive the transition Jacobian "
        r"$J_t=\partial h_t/\partial h_{t-1}$, $\partial h_T/\partial h_0$, the BPTT gradients "
        r"$\partial L/\partial W_h$ and $\partial L/\partial b$, and discuss stability: when do "
        r"small perturbations of the hidden state decay? For the stability parts, "
        r"$W_h=\gamma\begin{bmatrix}0&a\\b'&0\end{bmatrix}$ and $\tanh'(a_t)$ takes the values "
        r"$\operatorname{diag}(p,q)$ along the trajectory; perturbations follow "
        r"$\delta_t=J_t\delta_{t-1}$."
    ),
    givens=(
        Given("h_prev", ("d", 1), latex="h_{t-1}"),
        Given("x", ("p", 1), latex="x_t"),
        Given("h0", ("d", 1), latex="h_0"),
        Given("X", ("p", "T"), latex="X", description="inputs x_1..x_T as columns"),
        Given("Y", ("q", "T"), latex=r"\hat Y", description="targets as columns"),
        Given("W_h", ("d", "d"), latex="W_h"),
        Given("W_x", ("d", "p"), latex="W_x"),
        Given("b", ("d", 1), latex="b"),
        Given("W_y", ("q", "d"), latex="W_y"),
        Given("c", ("q", 1), latex="c"),
        Given("a", (), POSITIVE, "a"),
        Given("bb", (), POSITIVE, "b'"),
        Given("p1", (), UNIT, "p_1", "tanh' of unit 1 at odd steps"),
        Given("q1", (), UNIT, "q_1", "tanh' of unit 2 at odd steps"),
        Given("p2", (), UNIT, "p_2", "tanh' of unit 1 at even steps"),
        Given("q2", (), UNIT, "q_2", "tanh' of unit 2 at even steps"),
        Given("gamma", (), interval(0.0, 1.0), r"\gamma", "scale of W_h (swept)"),
    ),
    shapes=({"d": 2, "p": 1, "q": 1, "T": 3}, {"d": 3, "p": 2, "q": 1, "T": 2},
            {"d": 2, "p": 2, "q": 2, "T": 2}),
    parts=(
        Derivative(
            name="transition-jacobian",
            derivation=(
                r"a_t &= W_hh_{t-1}+W_xx_t+b,\quad h_{t,i} = \tanh(a_{t,i})",
                r"\frac{\partial h_{t,i}}{\partial h_{t-1,j}} &= \tanh'(a_{t,i})\,(W_h)_{ij} = "
                r"(1-h_{t,i}^2)\,(W_h)_{ij}",
                r"J_t &= \operatorname{diag}\big(1-\tanh^2(a_t)\big)\,W_h",
            ),
            asks=r"$J_t=\partial h_t/\partial h_{t-1}$ (numerator layout: rows index $h_t$)",
            expression="tanh(W_h @ h_prev + W_x @ x + b)", wrt="h_prev", layout="numerator",
            answer_latex=r"\operatorname{diag}\big(1-\tanh^2(W_hh_{t-1}+W_xx_t+b)\big)W_h",
            claim=Claim(r"J_t = \text{diag}(\phi'(W_h h_{t-1} + W_x x_t + b)) W_h",
                        "diag(1 - tanh(W_h @ h_prev + W_x @ x + b)^2) @ W_h", section="14.1"),
            wrong=(Wrong("W_h diag(phi') (factors swapped)",
                         "W_h @ diag(1 - tanh(W_h @ h_prev + W_x @ x + b)^2)"),
                   Wrong("phi' dropped", "W_h")),
        ),
        Derivative(
            name="jacobian-through-time",
            derivation=(
                r"h_j &= \tanh(W_hh_{j-1}+W_xx_j+b),\quad \frac{\partial h_j}{\partial h_{j-1}} = "
                r"J_j",
                r"\frac{\partial h_T}{\partial h_0} &= \frac{\partial h_T}{\partial "
                r"h_{T-1}}\cdots \frac{\partial h_1}{\partial h_0} = J_TJ_{T-1}\cdots J_1",
            ),
            asks=r"$\partial h_T/\partial h_0$ (numerator layout)",
            expression=f"h_T where {STATES}", wrt="h0", layout="numerator",
            answer_latex=(r"J_TJ_{T-1}\cdots J_1=\prod_{j=1}^{T}J_{T+1-j}\text{ where }"
                          r"J_t=\operatorname{diag}(1-h_t^2)W_h,\ " + STATES_TEX),
            claim=Claim(r"\frac{\partial h_k}{\partial h_t} = \prod_{j=t+1}^k "
                        r"\frac{\partial h_j}{\partial h_{j-1}} = \prod_{j=t+1}^k J_j",
                        f"prod_{{i=1}}^{{T}} (diag(1 - h_{{T+1-i}}^2) @ W_h) where {STATES}",
                        section="14.2"),
            notes="The seed's product does not say its order; it is read as J_k...J_{t+1}, the "
                  "order its step-2 sum needs. The other order is a rejected variant.",
            wrong=(Wrong("product in the other order J_1 ... J_T",
                         f"prod_{{j=1}}^{{T}} (diag(1 - h_j^2) @ W_h) where {STATES}"),
                   Wrong("phi' dropped: W_h^T", lambda X, W_h: matrix_power(W_h, X.shape[1]))),
        ),
        Derivative(
            name="bptt-W_h",
            derivation=(
                r"e_t &= y_t-\hat y_t,\quad \frac{\partial L_t}{\partial h_t} = W_y^Te_t",
                r"\delta_T &= W_y^Te_T,\quad \delta_t = \frac{\partial L}{\partial h_t} = "
                r"W_y^Te_t+J_{t+1}^T\delta_{t+1}",
                r"\frac{\partial L}{\partial a_t} &= \delta_t\odot(1-h_t^2),\quad a_t = "
                r"W_hh_{t-1}+W_xx_t+b",
                r"\frac{\partial L}{\partial W_h} &= \textstyle\sum_{t=1}^T \frac{\partial "
                r"L}{\partial a_t}\,h_{t-1}^T",
            ),
            asks=r"$\partial L/\partial W_h$",
            expression=LOSS, wrt="W_h",
            answer_latex=(r"\sum_{t=1}^T\big(\delta_t\odot(1-h_t^2)\big)h_{t-1}^T\text{ where }"
                          + DELTAS_TEX),
            claim=Claim(r"\frac{\partial L}{\partial W_h} = \sum_{t=1}^T \frac{\partial L}{\partial "
                        r"h_t} \frac{\partial h_t}{\partial W_h},\ \frac{\partial L}{\partial h_t}"
                        r" = \frac{\partial L_t}{\partial h_t} + \sum_{k=t+1}^T \frac{\partial "
                        r"L_k}{\partial h_k} \prod_{j=t+1}^k J_j,\ \frac{\partial h_t}{\partial "
                        r"W_h} = \phi'(\cdot) h_{t-1}^T",
                        seed_gradient(lambda g, states, X, t: g @ states[t - 1].T),
                        section="14.2"),
            notes="The seed's product dL/dh_t * phi' h_{t-1}^T is read element-wise in dL/dh_t "
                  "and phi', the only reading whose shapes compose.",
            wrong=(Wrong("truncated: only dL_t/dh_t, no path through later steps",
                         "sum_{t=1}^{T} ((W_y.T @ (W_y @ h_t + c - Y[:, t-1])) .* (1 - h_t^2)) "
                         f"@ h_{{t-1}}.T where {STATES}"),
                   Wrong("h_t^T instead of h_{t-1}^T",
                         "sum_{t=1}^{T} sum_{k=1}^{t} (((prod_{j=k+1}^{t} (W_h.T @ "
                         "diag(1 - h_j^2))) @ W_y.T @ (W_y @ h_t + c - Y[:, t-1])) .* "
                         f"(1 - h_k^2)) @ h_k.T where {STATES}")),
        ),
        Derivative(
            name="bptt-b",
            derivation=(
                r"\delta_T &= W_y^Te_T,\quad \delta_t = W_y^Te_t+J_{t+1}^T\delta_{t+1},\quad e_t "
                r"= y_t-\hat y_t",
                r"\frac{\partial L}{\partial a_t} &= \delta_t\odot(1-h_t^2),\quad \frac{\partial "
                r"a_t}{\partial b} = I",
                r"\frac{\partial L}{\partial b} &= \textstyle\sum_{t=1}^T\delta_t\odot(1-h_t^2)",
            ),
            asks=r"$\partial L/\partial b$",
            expression=LOSS, wrt="b",
            answer_latex=r"\sum_{t=1}^T\delta_t\odot(1-h_t^2)\text{ where }" + DELTAS_TEX,
            claim=Claim(r"\frac{\partial L}{\partial b} = \sum_{t=1}^T \frac{\partial L}{\partial "
                        r"h_t} \frac{\partial h_t}{\partial b},\ \frac{\partial h_t}{\partial b} "
                        r"= \phi'(W_h h_{t-1} + W_x x_t + b)",
                        seed_gradient(lambda g, states, X, t: g), section="14.2"),
            wrong=(Wrong("phi' dropped",
                         "sum_{t=1}^{T} sum_{k=1}^{t} (prod_{j=k+1}^{t} (W_h.T @ "
                         "diag(1 - h_j^2))) @ W_y.T @ (W_y @ h_t + c - Y[:, t-1]) "
                         f"where {STATES}"),),
        ),
        Derivative(
            name="bptt-W_x",
            derivation=(
                r"\delta_T &= W_y^Te_T,\quad \delta_t = W_y^Te_t+J_{t+1}^T\delta_{t+1},\quad e_t "
                r"= y_t-\hat y_t",
                r"\frac{\partial L}{\partial a_t} &= \delta_t\odot(1-h_t^2),\quad a_t = "
                r"W_hh_{t-1}+W_xx_t+b",
                r"\frac{\partial L}{\partial W_x} &= \textstyle\sum_{t=1}^T \frac{\partial "
                r"L}{\partial a_t}\,x_t^T",
            ),
            asks=r"$\partial L/\partial W_x$",
            expression=LOSS, wrt="W_x",
            answer_latex=(r"\sum_{t=1}^T\big(\delta_t\odot(1-h_t^2)\big)x_t^T\text{ where }"
                          + DELTAS_TEX),
            claim=Claim(r"\frac{\partial L}{\partial W_x} = \sum_{t=1}^T \frac{\partial L}{\partial "
                        r"h_t} \frac{\partial h_t}{\partial W_x},\ \frac{\partial h_t}{\partial W_x}"
                        r" = \phi'(W_h h_{t-1} + W_x x_t + b) x_t^T",
                        seed_gradient(lambda g, states, X, t: g @ X[:, t - 1:t].T),
                        section="14.2"),
            wrong=(Wrong("h_{t-1}^T instead of x_t^T",
                         "sum_{t=1}^{T} sum_{k=1}^{t} (((prod_{j=k+1}^{t} (W_h.T @ "
                         "diag(1 - h_j^2))) @ W_y.T @ (W_y @ h_t + c - Y[:, t-1])) .* "
                         f"(1 - h_k^2)) @ h_{{k-1}}.T where {STATES}"),),
        ),
        Derivative(
            name="bptt-W_y",
            derivation=(
                r"y_t &= W_yh_t+c,\quad \frac{\partial L}{\partial y_t} = y_t-\hat y_t",
                r"\frac{\partial L}{\partial W_y} &= \textstyle\sum_{t=1}^T(y_t-\hat y_t)\,h_t^T "
                r"\quad(h_t\text{ does not depend on } W_y)",
            ),
            asks=r"$\partial L/\partial W_y$ (linear read-out $\psi=\mathrm{id}$)",
            expression=LOSS, wrt="W_y",
            answer_latex=r"\sum_{t=1}^T(y_t-\hat y_t)h_t^T\text{ where }" + OUTPUTS_TEX,
            claim=Claim(r"\frac{\partial L}{\partial W_y} = \sum_{t=1}^T \frac{\partial L}{\partial "
                        r"y_t} \frac{\partial y_t}{\partial W_y}",
                        f"sum_{{t=1}}^{{T}} (W_y @ h_t + c - Y[:, t-1]) @ h_t.T where {STATES}",
                        section="14.2"),
            wrong=(Wrong("h_{t-1} instead of h_t",
                         "sum_{t=1}^{T} (W_y @ h_t + c - Y[:, t-1]) @ h_{t-1}.T "
                         f"where {STATES}"),),
        ),
        Derivative(
            name="bptt-c",
            derivation=(
                r"\frac{\partial L}{\partial c} &= \textstyle\sum_{t=1}^T \frac{\partial "
                r"L}{\partial y_t}\frac{\partial y_t}{\partial c} = "
                r"\textstyle\sum_{t=1}^T(y_t-\hat y_t)",
            ),
            asks=r"$\partial L/\partial c$",
            expression=LOSS, wrt="c",
            answer_latex=r"\sum_{t=1}^T(y_t-\hat y_t)\text{ where }" + OUTPUTS_TEX,
            claim=Claim(r"\frac{\partial L}{\partial c} = \sum_{t=1}^T \frac{\partial L}{\partial "
                        r"y_t} \frac{\partial y_t}{\partial c}",
                        f"sum_{{t=1}}^{{T}} (W_y @ h_t + c - Y[:, t-1]) where {STATES}",
                        section="14.2"),
            wrong=(Wrong("last step only", f"W_y @ h_T + c - Y[:, T-1] where {STATES}"),),
        ),
        ConvergenceRange(
            name="constant-jacobian-stability",
            derivation=(
                r"J &= \gamma\begin{bmatrix}0&p_1a\\q_1b'&0\end{bmatrix},\quad \lambda^2 = "
                r"\gamma^2p_1q_1ab'",
                r"\delta_t = J^t\delta_0 \to 0 &\iff |\lambda| = |\gamma|\sqrt{p_1q_1ab'} < 1",
            ),
            asks=r"Same $J$ at every step ($\tanh'=\operatorname{diag}(p_1,q_1)$): the "
                 r"$\gamma$ for which perturbations decay",
            step=constant_step,
            start=ones,
            param="gamma",
            lower=lambda a, bb, p1, q1: -eigenvalue_bound(a, bb, p1, q1),
            upper=eigenvalue_bound,
            answer_latex=r"|\gamma|<\frac{1}{\sqrt{p_1q_1ab'}}\ \text{(all }|\lambda(J)|<1)",
            wrong=(Wrong("singular value: |gamma| < 1/(max(p1 a, q1 b'))",
                         lambda a, bb, p1, q1: 1 / max_entry(vstack(p1 * a, q1 * bb))),),
        ),
        ConvergenceRange(
            name="alternating-jacobian-stability",
            derivation=(
                r"J_2J_1 &= \gamma^2\begin{bmatrix}0&p_2a\\q_2b'&0\end{bmatrix} "
                r"\begin{bmatrix}0&p_1a\\q_1b'&0\end{bmatrix} = "
                r"\gamma^2ab'\operatorname{diag}(p_2q_1,\,p_1q_2)",
                r"\delta_{2m} = (J_2J_1)^m\delta_0 \to 0 &\iff \gamma^2ab'\max(p_2q_1,\,p_1q_2) < "
                r"1",
                r"|\lambda(J_1)|,\,|\lambda(J_2)| < 1 &\;\not\Rightarrow\; \rho(J_2J_1) < 1 "
                r"\quad\text{(e.g. } p_2q_1 > p_1q_1 = p_2q_2)",
            ),
            asks=r"$J_t$ alternating between $\tanh'=\operatorname{diag}(p_1,q_1)$ and "
                 r"$\operatorname{diag}(p_2,q_2)$: the $\gamma$ for which perturbations decay",
            step=alternating_step,
            start=ones,
            param="gamma",
            lower=lambda a, bb, p1, q1, p2, q2: -alternating_bound(a, bb, p1, q1, p2, q2),
            upper=alternating_bound,
            answer_latex=r"|\gamma|<\frac{1}{\sqrt{ab'\max(p_2q_1,\,p_1q_2)}}\ "
                         r"\text{(spectral radius of }J_2J_1<1)",
            claim=Claim(r"The eigenvalues of J_t determine the stability of the RNN: if all "
                        r"eigenvalues are less than 1 in magnitude, the RNN is stable and small "
                        r"perturbations will decay over time; if any eigenvalue is greater than 1"
                        r" in magnitude, small perturbations can grow exponentially.",
                        seed_alternating_bound, section="14.1",
                        holds_in="constant-jacobian-stability", holds_value=eigenvalue_bound,
                        condition="J_t is the same at every step (e.g. a linearisation at a fixed "
                                  "point); with J_t varying, every J_t can have |lambda| < 1 while "
                                  "the products grow"),
            wrong=(Wrong("every J_t has |eigenvalues| < 1 (the seed)", seed_alternating_bound),
                   Wrong("geometric mean of the two spectral radii", lambda a, bb, p1, q1, p2, q2:
                         1 / sqrt(a * bb * sqrt(p1 * q1 * p2 * q2)))),
        ),
    ),
)
