"""Seed 000 §4.1-4.2: the GAN value function, its optima, and the weight gradients."""

from derivekit.model import (SIMPLEX, UNIT, Claim, Derivative, Equation, Given, Optimum, Problem,
                             Source, Wrong)
from derivekit.ops import exp, hadamard, log, total, vstack


def value(p_data, p_g, D):
    """V(D, G) on a finite sample space: sum_x p_data log D + p_g log(1 - D)."""
    return total(hadamard(p_data, log(D))) + total(hadamard(p_g, log(1 - D)))


def best_response(p_data, p_g):
    return hadamard(p_data, 1 / (p_data + p_g))


def softmax_last_fixed(theta):
    """A point of the simplex from k-1 free logits (the last logit is 0): no redundancy."""
    weights = vstack(exp(theta), 1)
    return weights / total(weights)


def kl(p, q):
    return total(hadamard(p, log(hadamard(p, 1 / q))))


LOSS = "log(sigmoid(W_d @ z)) + log(1 - sigmoid(W_d @ y))"
"""L = log D(z) + log(1 - D(G(x))): one real sample z, one generated sample y = G(x)."""


PROBLEM = Problem(
    id="gan-gradients",
    title="GAN value function, optimal discriminator and weight gradients",
    source=Source("000_b77450bb05363a64.txt", "4.1-4.2"),
    statement=(
        r"The GAN value function is $V(D,G)=\mathbb{E}_{x\sim p_{data}}[\log D(x)]+"
        r"\mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))]$. On a finite sample space with "
        r"probability vectors $p_{data}$, $p_g$ and discriminator outputs $D\in(0,1)^s$: which "
        r"player maximises, which minimises, what is the optimal discriminator and the value at "
        r"equilibrium? Then, for the generator $\mathbf{y}=\mathrm{ReLU}(\mathbf{W}_g\mathbf{x})$ "
        r"($\mathbf{W}_g$: $k\times n$, seed: $5\times 2$) and discriminator "
        r"$b=\sigma(\mathbf{W}_d\mathbf{z})$ ($\mathbf{W}_d$: $1\times k$), find the gradients "
        r"of $L=\log\sigma(\mathbf{W}_d\mathbf{z})+\log(1-\sigma(\mathbf{W}_d\mathbf{y}))$ "
        r"(one real sample $\mathbf{z}$, one generator input $\mathbf{x}$) with respect to "
        r"$\mathbf{W}_g$ and $\mathbf{W}_d$."
    ),
    givens=(
        Given("p_data", ("s", 1), SIMPLEX, r"p_{data}"),
        Given("p_g", ("s", 1), SIMPLEX, r"p_g"),
        Given("D", ("s", 1), UNIT, r"D"),
        Given("theta", ("s1", 1), latex=r"\theta", description="free logits of p_g"),
        Given("x", ("n", 1), latex=r"\mathbf{x}", description="generator input"),
        Given("z", ("k", 1), latex=r"\mathbf{z}", description="real sample"),
        Given("W_g", ("k", "n"), latex=r"\mathbf{W}_g"),
        Given("W_d", (1, "k"), latex=r"\mathbf{W}_d"),
        Given("y", ("k", 1), latex=r"\mathbf{y}", definition="relu(W_g @ x)",
              description="the generated sample G(x)"),
    ),
    shapes=(
        {"n": 2, "k": 5, "s": 3, "s1": 2},
        {"n": 3, "k": 4, "s": 2, "s1": 1},
        {"n": 1, "k": 3, "s": 5, "s1": 4},
    ),
    parts=(
        Optimum(
            name="discriminator-maximises",
            asks=r"For fixed $G$, the discriminator maximises $V$; its best response $D^*$",
            of=value,
            wrt="D",
            sense="max",
            answer=best_response,
            answer_latex=r"D^*=\frac{p_{data}}{p_{data}+p_g}\quad(D^*(x)=\tfrac{p_{data}(x)}"
                         r"{p_{data}(x)+p_g(x)}\text{ at each }x)",
            derivation=(
                r"V(D) &= \textstyle\sum_x p_{data}(x)\log D(x)+p_g(x)\log(1-D(x))",
                r"\frac{\partial V}{\partial D(x)} &= \frac{p_{data}(x)}{D(x)}-"
                r"\frac{p_g(x)}{1-D(x)}=0,\qquad \frac{\partial^2V}{\partial D(x)^2}<0",
            ),
            claim=Claim("Generator tries to maximize the function, whereas discriminator tries "
                        "to minimize the loss function", value="min", field="sense",
                        section="4.1"),
            wrong=(Wrong("p_g / (p_data + p_g)", lambda p_data, p_g: hadamard(
                       p_g, 1 / (p_data + p_g))),
                   Wrong("always 1/2", lambda p_data: 0.5 + 0 * p_data)),
        ),
        Optimum(
            name="generator-minimises",
            derivation=(
                r"C(G) &= V(D^*,G) = -\log 4 + 2\,\mathrm{JSD}(p_{data}\|p_g)",
                r"\mathrm{JSD} &\ge 0,\ \text{with equality iff } p_g=p_{data}",
            ),
            asks=r"Against $D^*$, the generator minimises $C(G)=V(D^*,G)$: at $p_g=p_{data}$",
            of=lambda p_data, theta: value(
                p_data, softmax_last_fixed(theta),
                best_response(p_data, softmax_last_fixed(theta))),
            wrt="theta",
            sense="min",
            answer=lambda p_data: log(p_data[:-1, :] / p_data[-1, 0]),
            answer_latex=r"\theta=\log\frac{p_{data,1:s-1}}{p_{data,s}}\quad(p_g=p_{data}\text{: "
                         r"these are its free logits})",
            wrong=(Wrong("uniform p_g", lambda p_data: 0 * p_data[:-1, :]),),
        ),
        Equation(
            name="virtual-training-criterion",
            derivation=(
                r"C(G) &= \textstyle\sum_x "
                r"p_{data}\log\frac{p_{data}}{p_{data}+p_g}+p_g\log\frac{p_g}{p_{data}+p_g}",
                r"&= -\log "
                r"4+\mathrm{KL}\big(p_{data}\|\tfrac{p_{data}+p_g}2\big)+\mathrm{KL}\big(p_g\|\tfrac{p_{data}+p_g}2\big)",
            ),
            asks=r"$C(G)=-\log 4+2\,\mathrm{JSD}(p_{data}\,\|\,p_g)$",
            lhs=lambda p_data, p_g: value(p_data, p_g, best_response(p_data, p_g)),
            rhs=lambda p_data, p_g: -log(4) + kl(p_data, (p_data + p_g) / 2)
            + kl(p_g, (p_data + p_g) / 2),
            answer_latex=r"-\log 4+\mathrm{KL}\!\left(p_{data}\|\tfrac{p_{data}+p_g}{2}\right)"
                         r"+\mathrm{KL}\!\left(p_g\|\tfrac{p_{data}+p_g}{2}\right)",
            wrong=(Wrong("+log 4", lambda p_data, p_g: log(4) + kl(p_data, (p_data + p_g) / 2)
                         + kl(p_g, (p_data + p_g) / 2)),),
        ),
        Equation(
            name="discriminator-at-equilibrium",
            derivation=(
                r"D^* &= \frac{p_{data}}{p_{data}+p_{data}} = \tfrac12",
            ),
            asks=r"At $p_g=p_{data}$ the optimal discriminator outputs $\tfrac12$ everywhere",
            lhs=lambda p_data: best_response(p_data, p_data),
            rhs=lambda p_data: 0.5 + 0 * p_data,
            answer_latex=r"D^*(x)=\tfrac12",
            claim=Claim("output probability of discriminator will be 0.5 regardless of the input",
                        lambda p_data: 0.5 + 0 * p_data, section="4.1(a)"),
            wrong=(Wrong("D* = 1", lambda p_data: 1 + 0 * p_data),),
        ),
        Equation(
            name="value-at-equilibrium",
            derivation=(
                r"V &= \textstyle\sum_x p_{data}(x)\,\big(\log\tfrac12+\log\tfrac12\big) = -\log 4",
            ),
            asks=r"The value of the game at $p_g=p_{data}$",
            lhs=lambda p_data: value(p_data, p_data, best_response(p_data, p_data)),
            rhs=lambda: -log(4),
            answer_latex=r"-\log 4\approx-1.386",
            claim=Claim(r"-\log(4) = -1.386", lambda: -log(4), section="4.1(b)"),
            wrong=(Wrong("log 4", lambda: log(4)), Wrong("-log 2", lambda: -log(2))),
        ),
        Derivative(
            name="grad-W_g",
            asks=r"$\partial L/\partial\mathbf{W}_g$",
            expression=LOSS,
            wrt="W_g",
            answer_latex=r"-\sigma(\mathbf{W}_d\mathbf{y})\,\big(\mathbb{1}[\mathbf{W}_g\mathbf{x}"
                         r">0]\odot\mathbf{W}_d^T\big)\,\mathbf{x}^T \quad (k\times n)",
            derivation=(
                r"\mathbf a_2 &= \mathbf W_g\mathbf x,\quad \mathbf y=\mathrm{ReLU}(\mathbf a_2),"
                r"\quad a_1=\mathbf W_d\mathbf y,\quad L_g=\log(1-\sigma(a_1))",
                r"\delta_1 &= \partial L_g/\partial a_1 = -\sigma(a_1)",
                r"\boldsymbol\delta_y &= \mathbf W_d^T\delta_1,\qquad "
                r"\boldsymbol\delta_2 = \mathbb{1}[\mathbf a_2>0]\odot\boldsymbol\delta_y",
                r"\partial L/\partial\mathbf W_g &= \boldsymbol\delta_2\,\mathbf x^T"
                r"\quad(\log\sigma(\mathbf W_d\mathbf z)\text{ does not depend on }\mathbf W_g)",
            ),
            claim=Claim(r"\mathrm{diag}(\mathbb{1}(z>0))((W_d)^T\sigma(a_1)(1-\sigma(a_1))"
                        r"(-\frac{1}{1-b_g}))x^T",
                        "-sigmoid(W_d @ y) * (step(y) .* W_d.T) @ x.T", section="4.2"),
            wrong=(Wrong("dropped the ReLU mask", "-sigmoid(W_d @ y) * W_d.T @ x.T"),
                   Wrong("used 1 - sigma instead of sigma",
                         "-(1 - sigmoid(W_d @ y)) * (step(W_g @ x) .* W_d.T) @ x.T")),
        ),
        Derivative(
            name="grad-W_d",
            asks=r"$\partial L/\partial\mathbf{W}_d$",
            expression=LOSS,
            wrt="W_d",
            answer_latex=r"\big(1-\sigma(\mathbf{W}_d\mathbf{z})\big)\mathbf{z}^T-"
                         r"\sigma(\mathbf{W}_d\mathbf{y})\,\mathbf{y}^T \quad (1\times k)",
            derivation=(
                r"c_1 &= \mathbf W_d\mathbf z,\ \ \partial\log\sigma(c_1)/\partial c_1 = "
                r"1-\sigma(c_1)",
                r"c_2 &= \mathbf W_d\mathbf y,\ \ \partial\log(1-\sigma(c_2))/\partial c_2 = "
                r"-\sigma(c_2)",
                r"\partial L/\partial\mathbf W_d &= (1-\sigma(c_1))\,\mathbf z^T-\sigma(c_2)\,"
                r"\mathbf y^T\quad(\partial c/\partial\mathbf W_d=\text{input}^T)",
            ),
            claim=Claim(r"ReLU(W_g x)^T\sigma(c_2)(1-\sigma(c_2))(-\frac{1}{1-b_g})+z^T\sigma(c_1)"
                        r"(1-\sigma(c_1))\frac{1}{b_d}",
                        "(1 - sigmoid(W_d @ z)) * z.T - sigmoid(W_d @ y) * y.T", section="4.2"),
            wrong=(Wrong("dropped the fake-sample term", "(1 - sigmoid(W_d @ z)) * z.T"),
                   Wrong("column instead of row (transposed)",
                         "(1 - sigmoid(W_d @ z)) * z - sigmoid(W_d @ y) * y")),
        ),
    ),
)
