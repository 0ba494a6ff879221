"""Seed 004 §1.2.1: RMSProp on an overparameterized linear model need not reach the
minimum-norm solution (the seed's 2-D example x = [2, 1], t = 2)."""

from derivekit.model import (
    Claim,
    Derivative,
    Equation,
    Given,
    Iteration,
    Optimum,
    Problem,
    Source,
    Wrong,
    interval,
)
from derivekit.ops import (SymbolicUnsupported, abs_, eigh, max_entry, sqnorm, sqrt, step,
                           total, vstack)


def sign(x):
    return x / abs_(x)


def rmsprop_step(state, x, t, eta, beta):
    """The seed's RMSProp (epsilon = 0, v_{-1} = 0) on (x^T w - t)^2, one coordinate at a
    time; the state stacks w_t over v_{t-1}."""
    d = x.shape[0]
    w, v = state[:d, :], state[d:, :]
    residual = sum(x[i, 0] * w[i, 0] for i in range(d)) - t
    new_v, new_w = [], []
    for i in range(d):
        grad = 2 * residual * x[i, 0]
        new_v.append(beta * v[i, 0] + (1 - beta) * grad**2)
        new_w.append(w[i, 0] - eta * grad / sqrt(new_v[i]))
    return vstack(*new_w, *new_v)


def one_dimensional_run(k, x, t, eta, beta):
    """The same run reduced to one scalar s: w = s sign(x), residual r = 2(s ||x||_1 - t),
    V = EMA of r^2 (so v_i = V x_i^2); every coordinate moves by eta r / sqrt(V)."""
    if not isinstance(k, int):
        raise SymbolicUnsupported("the one-dimensional run needs a concrete step count")
    s, V = 0 * t, 0 * t
    l1 = total(abs_(x))
    for _ in range(k):
        r = 2 * (s * l1 - t)
        V = beta * V + (1 - beta) * r**2
        s = s - eta * r / sqrt(V)
    return s, V


def along_sign_ray(k, x, t, eta, beta):
    s, V = one_dimensional_run(k, x, t, eta, beta)
    return vstack(s * sign(x), V * x * x)


def moves_along_x(k, x, t, eta, beta):
    """Same step lengths, but along x / rms(x) as gradient descent would move."""
    s, V = one_dimensional_run(k, x, t, eta, beta)
    return vstack(s * x / sqrt(sqnorm(x) / x.shape[0]), V * x * x)


def rank(m):
    """Numerical rank of a symmetric matrix: its eigenvalues above rounding."""
    values = eigh(m)[0]
    return total(step(values - 1e-9 * max_entry(abs_(values))))


def minimum_norm(x, t):
    return x * t / sqnorm(x)


def on_ray(x, t):
    return t * sign(x) / total(abs_(x))


PROBLEM = Problem(
    id="rmsprop-minimum-norm",
    title="RMSProp need not find the minimum-norm solution",
    source=Source("004_19698b34fe55bc49.txt", "1.2.1"),
    statement=(
        r"RMSProp: $v_{i,t}=\beta v_{i,t-1}+(1-\beta)g_{i,t}^2$, $w_{i,t+1}=w_{i,t}-\eta\,"
        r"g_{i,t}/\sqrt{v_{i,t}+\epsilon}$, $v_{i,-1}=0$, on one data point: "
        r"$\mathcal L=(\mathbf x^T\mathbf w-t)^2$, $\mathbf w_0=0$ (seed's hint: "
        r"$\mathbf x=[2,1]$, $t=2$). Assuming RMSProp converges, does it reach the "
        r"minimum-norm solution? With $\epsilon\to0$ every coordinate moves by the same amount "
        r"$\eta g/\sqrt{v}$ in the direction $\operatorname{sign}(x_i)$, so the iterates stay on "
        r"the ray $s\operatorname{sign}(\mathbf x)$, whose solution is "
        r"$t\operatorname{sign}(\mathbf x)/\|\mathbf x\|_1$ ($=[2/3,2/3]$ in the example), not "
        r"$\mathbf x t/\|\mathbf x\|^2$ ($=[4/5,2/5]$)."
    ),
    givens=(
        Given("x", ("d", 1), latex=r"\mathbf x"),
        Given("t", (), latex="t"),
        Given("w", ("d", 1), latex=r"\mathbf w"),
        Given("w1", (), latex="w_1", description="first weight of the example; w2 = 2 - 2 w1"),
        Given("eta", (), interval(0.01, 0.2), r"\eta"),
        Given("beta", (), interval(0.9, 0.99), r"\beta"),
    ),
    shapes=({"d": 2}, {"d": 3}, {"d": 4}),
    parts=(
        Derivative(
            name="loss-gradient",
            derivation=(
                r"\frac{\partial}{\partial w_i}(\mathbf x^T\mathbf w-t)^2 &= 2(\mathbf x^T\mathbf "
                r"w-t)\,\frac{\partial(\mathbf x^T\mathbf w)}{\partial w_i} = 2(\mathbf "
                r"x^T\mathbf w-t)\,x_i",
                r"\nabla_{\mathbf w}(\mathbf x^T\mathbf w-t)^2 &= 2\mathbf x(\mathbf x^T\mathbf "
                r"w-t)\quad(\text{the residual, not the loss, multiplies } \mathbf x)",
            ),
            asks=r"$\nabla_{\mathbf w}(\mathbf x^T\mathbf w-t)^2$ (what RMSProp divides)",
            expression="(x.T @ w - t)^2", wrt="w",
            answer_latex=r"2\mathbf x(\mathbf x^T\mathbf w-t)",
            claim=Claim(r"\nabla_{w_i} = 2x_{1,i}\mathcal L(w_{1,t}, w_{2,t})",
                        "2 * x * (x.T @ w - t)^2", section="1.2.1 (Modified Output)"),
            wrong=(Wrong("dropped the factor 2", "x * (x.T @ w - t)"),),
        ),
        Iteration(
            name="iterates-on-sign-ray",
            derivation=(
                r"\mathbf w_t=s_t\operatorname{sign}(\mathbf x) &\;\Rightarrow\; \mathbf "
                r"x^T\mathbf w_t=s_t\|\mathbf x\|_1,\quad g_{i,t}=2(s_t\|\mathbf "
                r"x\|_1-t)\,x_i=r_t\,x_i",
                r"v_{i,t} &= \beta V_{t-1}x_i^2+(1-\beta)r_t^2x_i^2 = "
                r"V_t\,x_i^2\quad(v_{i,-1}=V_{-1}=0)",
                r"w_{i,t+1} &= s_t\operatorname{sign}(x_i)-\frac{\eta\,r_tx_i}{\sqrt{V_t}\,|x_i|} "
                r"= \Big(s_t-\frac{\eta\,r_t}{\sqrt{V_t}}\Big)\operatorname{sign}(x_i)",
            ),
            asks=r"RMSProp ($\epsilon=0$) state $(\mathbf w_k,\mathbf v_{k-1})$ after $k$ steps, "
                 r"run coordinate by coordinate, versus the one-dimensional run along "
                 r"$\operatorname{sign}(\mathbf x)$",
            step=rmsprop_step,
            start=lambda x: vstack(0 * x, 0 * x),
            closed_form=along_sign_ray,
            steps=30,
            answer_latex=r"\begin{bmatrix}\mathbf w_k\\\mathbf v_{k-1}\end{bmatrix}="
                         r"\begin{bmatrix}s_k\operatorname{sign}(\mathbf x)\\V_{k-1}\,"
                         r"\mathbf x^{\odot2}\end{bmatrix}\text{ where } s_0=0,\ V_{-1}=0,\ "
                         r"s_{j+1}=s_j-\eta r_j/\sqrt{V_j},\ r_j=2(s_j\|\mathbf x\|_1-t),\ "
                         r"V_j=\beta V_{j-1}+(1-\beta)r_j^2",
            notes="The iterates never leave the ray s sign(x), so a limit (assumed by the problem) "
                  "must be its solution t sign(x)/||x||_1. With a constant eta RMSProp need not "
                  "converge at all (it can settle in a 2-cycle), hence an Iteration, not a Limit.",
            wrong=(Wrong("moves along x, like gradient descent", moves_along_x),),
        ),
        Optimum(
            name="example-minimum-norm",
            derivation=(
                r"\frac{d}{dw_1}\big(w_1^2+(2-2w_1)^2\big) &= 2w_1-4(2-2w_1) = 10w_1-8 = 0",
                r"w_1 &= \tfrac45,\quad w_2=2-\tfrac85=\tfrac25,\quad \|\mathbf "
                r"w^*\|^2=\tfrac{16}{25}+\tfrac4{25}=\tfrac45",
            ),
            asks=r"The minimum-norm solution of $2w_1+w_2=2$: $w_1$ minimising "
                 r"$w_1^2+(2-2w_1)^2$",
            of=lambda w1: w1**2 + (2 - 2 * w1) ** 2,
            wrt="w1",
            answer=lambda: 4 / 5,
            answer_latex=r"w_1=\frac45\quad(\mathbf w^*=[\tfrac45,\tfrac25],\ \|\mathbf w^*\|^2="
                         r"\tfrac45)",
            claim=Claim(r"the minimum norm solution is given by $w_1 = 1/3$ and $w_2 = 4/3$",
                        lambda: 1 / 3, section="1.2.1 (Modified Output)"),
            wrong=(Wrong("the RMSProp solution 2/3", lambda: 2 / 3),),
        ),
        Equation(
            name="ray-solution-norm-excess",
            derivation=(
                r"\Big\|\frac{t\operatorname{sign}(\mathbf x)}{\|\mathbf x\|_1}\Big\|^2 &= "
                r"\frac{d\,t^2}{\|\mathbf x\|_1^2},\qquad \|\mathbf w^*\|^2=\Big\|\frac{\mathbf "
                r"x\,t}{\|\mathbf x\|_2^2}\Big\|^2=\frac{t^2}{\|\mathbf x\|_2^2}",
                r"\frac{d\,t^2}{\|\mathbf x\|_1^2}-\frac{t^2}{\|\mathbf x\|_2^2} &= "
                r"t^2\frac{d\|\mathbf x\|_2^2-\|\mathbf x\|_1^2}{\|\mathbf x\|_1^2\|\mathbf "
                r"x\|_2^2} \ge 0\quad(\|\mathbf x\|_1^2\le d\|\mathbf x\|_2^2)",
                r"\text{example: } \tfrac{2\cdot4}{9}-\tfrac45 &= \tfrac89-\tfrac45 = "
                r"\tfrac{40-36}{45} = \tfrac4{45}",
            ),
            asks=r"$\|t\operatorname{sign}(\mathbf x)/\|\mathbf x\|_1\|^2-\|\mathbf w^*\|^2$ "
                 r"(RMSProp's solution minus the minimum norm)",
            lhs=lambda x, t: sqnorm(on_ray(x, t)) - sqnorm(minimum_norm(x, t)),
            rhs=lambda x, t: t**2 * (x.shape[0] * sqnorm(x) - total(abs_(x)) ** 2)
            / (total(abs_(x)) ** 2 * sqnorm(x)),
            answer_latex=r"t^2\frac{d\|\mathbf x\|_2^2-\|\mathbf x\|_1^2}{\|\mathbf x\|_1^2"
                         r"\|\mathbf x\|_2^2}\ \ge0\ (\text{example: }\tfrac89-\tfrac45="
                         r"\tfrac4{45})",
            notes="Zero only when all |x_i| are equal (Cauchy-Schwarz): RMSProp's solution is "
                  "not the minimum-norm one in general.",
            wrong=(Wrong("no excess (RMSProp = minimum norm)",
                         lambda x, t: 0 * t),),
        ),
        Equation(
            name="hessian-rank",
            derivation=(
                r"\nabla^2\mathcal L &= 2\mathbf x\mathbf x^T,\quad 2\mathbf x\mathbf x^T"
                r"\mathbf v = 2(\mathbf x^T\mathbf v)\,\mathbf x",
                r"\text{eigenvalues} &= 2\|\mathbf x\|^2 \text{ (along } \mathbf x),\ 0\ "
                r"(d-1\text{ times}):\ \{0, 10\}\text{ for } \mathbf x=[2,1]",
            ),
            asks=r"Rank of the Hessian $\nabla^2\mathcal L$ (positive definite needs rank $d$)",
            lhs=lambda x: rank(2 * x @ x.T),
            rhs=lambda: 1,
            answer_latex="1",
            notes="Positive semi-definite, never definite for d > 1: the loss is flat along the "
                  "line of solutions x^T w = t.",
            wrong=(Wrong("full rank d (positive definite)", lambda x: x.shape[0]),),
        ),
    ),
    prose=(
        Claim("Note that the Hessian of this loss function is constant and positive definite",
              lambda x: x.shape[0], section="1.2.1 (Modified Output)", judged_by="hessian-rank",
              reason="rank d: the Hessian 2xx^T is positive semi-definite, so it is definite "
                     "exactly when all d eigenvalues are positive"),
        Claim("since the loss function is convex and we have only one data point, the optimizer "
              "will converge to the minimum of the loss function",
              section="1.2.1 (Modified Output)",
              reason="a convergence assertion: RMSProp with a constant eta can end in a 2-cycle "
                     "of amplitude about eta ||x||_1 / 2 instead of converging; the problem only "
                     "assumes convergence"),
        Claim("it is not necessarily true that the RMSProp optimizer will always obtain the "
              "minimum norm solution ... It is possible that the RMSProp optimizer converges to "
              "a different solution with a larger norm, depending on the initialization and the "
              "learning rate schedule", section="1.2.1 (Modified Output)",
              reason="a conclusion with no computed counterexample: right (parts "
                     "iterates-on-sign-ray and ray-solution-norm-excess give one: [2/3, 2/3] "
                     "versus [4/5, 2/5]), but it does not depend on the initialization or the "
                     "schedule here: from w0 = 0 the ray alone decides"),
    ),
)
