"""Seed 000 §1.2: binary cross-entropy from the Bernoulli likelihood."""

from derivekit.model import BINARY, UNIT, Claim, Derivative, Equation, Given, Optimum, Problem, \
    Source, Wrong
from derivekit.ops import log, power, prod, total


def likelihood(y, yhat):
    return prod(power(yhat, y) * power(1 - yhat, 1 - y))


def bce(y, yhat):
    """L(y, ŷ) = -Σ_i [y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i)]."""
    return -total(y * log(yhat) + (1 - y) * log(1 - yhat))


PROBLEM = Problem(
    id="bce-derivation",
    title="Deriving the binary cross-entropy loss",
    source=Source("000_b77450bb05363a64.txt", "1.2"),
    statement=(
        r"A classifier outputs $\hat y\in(0,1)$ for an input $x$ whose label $y\in\{0,1\}$ is "
        r"Bernoulli. Write $p(y\mid x)$ for one and for $m$ i.i.d.\ samples, the log-likelihood, "
        r"and the loss $L(y,\hat y)$ to minimise. Then find $\partial L/\partial\hat y$, the "
        r"gradient with respect to the logit $a$ when $\hat y=\sigma(a)$, and the constant "
        r"prediction that minimises $L$ over a data set."
    ),
    givens=(
        Given("y", ("m", 1), BINARY, r"\mathbf{y}", "labels"),
        Given("yhat", ("m", 1), UNIT, r"\hat{\mathbf{y}}", "predicted probabilities"),
        Given("a", ("m", 1), latex=r"\mathbf{a}", description="logits, yhat = sigmoid(a)"),
        Given("q", ("m", 1), UNIT, r"\mathbf{q}",
              "labels in (0, 1) for the constant fit (0/1 labels that all agree put the "
              "optimum on the boundary)"),
        Given("c", (), UNIT, r"c", "a constant prediction"),
    ),
    shapes=({"m": 1}, {"m": 3}, {"m": 6}),
    parts=(
        Equation(
            name="likelihood",
            derivation=(
                r"p(y_i\mid x) &= \hat y_i \text{ if } y_i=1,\quad 1-\hat y_i \text{ if } y_i=0",
                r"\text{i.i.d.:}\quad p(\mathbf y\mid x) &= \textstyle\prod_i \hat "
                r"y_i^{\,y_i}(1-\hat y_i)^{1-y_i}",
            ),
            asks=r"$p(\mathbf{y}\mid x)$ for $m$ i.i.d. Bernoulli samples ($m=1$: one sample)",
            lhs=lambda y, yhat: prod(y * yhat + (1 - y) * (1 - yhat)),
            rhs=likelihood,
            answer_latex=r"\prod_{i=1}^m \hat y_i^{\,y_i}(1-\hat y_i)^{1-y_i}",
            notes="lhs is the Bernoulli pmf case by case: ŷ when y = 1, 1 - ŷ when y = 0.",
            claim=Claim(r"\prod_{i=1}^m \hat{y}_i^{y_i} (1 - \hat{y}_i)^{1-y_i}", likelihood),
            wrong=(Wrong("labels swapped", lambda y, yhat: prod(power(yhat, 1 - y)
                                                                 * power(1 - yhat, y))),),
        ),
        Equation(
            name="log-likelihood",
            derivation=(
                r"\log\textstyle\prod_i(\cdot) &= \textstyle\sum_i y_i\log\hat "
                r"y_i+(1-y_i)\log(1-\hat y_i)",
            ),
            asks=r"$\log p(\mathbf{y}\mid x)$",
            lhs=lambda y, yhat: log(likelihood(y, yhat)),
            rhs=lambda y, yhat: total(y * log(yhat) + (1 - y) * log(1 - yhat)),
            answer_latex=r"\sum_{i=1}^m y_i\log\hat y_i+(1-y_i)\log(1-\hat y_i)",
            claim=Claim(r"\sum_{i=1}^m y_i \log(\hat{y}_i) + (1 - y_i) \log(1 - \hat{y}_i)",
                        lambda y, yhat: total(y * log(yhat) + (1 - y) * log(1 - yhat))),
            wrong=(Wrong("dropped the (1 - y) term", lambda y, yhat: total(y * log(yhat))),),
        ),
        Equation(
            name="loss",
            derivation=(
                r"\text{maximising } \log p &\iff \text{minimising } L=-\log p",
            ),
            asks=r"$L(\mathbf{y},\hat{\mathbf{y}})$: the negated log-likelihood, to minimise",
            lhs=lambda y, yhat: -log(likelihood(y, yhat)),
            rhs=bce,
            answer_latex=r"-\sum_{i=1}^m \big[y_i\log\hat y_i+(1-y_i)\log(1-\hat y_i)\big]",
            claim=Claim(r"\sum_{i=1}^m -y_i \log(\hat{y}_i) - (1 - y_i) \log(1 - \hat{y}_i)", bce),
            wrong=(Wrong("not negated", lambda y, yhat: -bce(y, yhat)),),
        ),
        Derivative(
            name="grad-yhat",
            derivation=(
                r"\frac{\partial L}{\partial\hat y_i} &= -\frac{y_i}{\hat "
                r"y_i}+\frac{1-y_i}{1-\hat y_i} = \frac{\hat y_i-y_i}{\hat y_i(1-\hat y_i)}",
            ),
            asks=r"$\partial L/\partial\hat{\mathbf{y}}$",
            expression="-sum(y .* log(yhat) + (1 - y) .* log(1 - yhat))",
            wrt="yhat",
            answer_latex=r"\frac{\hat{\mathbf{y}}-\mathbf{y}}{\hat{\mathbf{y}}\odot"
                         r"(1-\hat{\mathbf{y}})}\ \text{(element-wise)}",
            wrong=(Wrong("dropped the (1 - y) term", "-y / yhat"),
                   Wrong("missing the denominator", "yhat - y")),
        ),
        Derivative(
            name="grad-logit",
            derivation=(
                r"\frac{\partial\hat y_i}{\partial a_i} &= \sigma(a_i)(1-\sigma(a_i)) = \hat "
                r"y_i(1-\hat y_i)",
                r"\frac{\partial L}{\partial a_i} &= \frac{\hat y_i-y_i}{\hat y_i(1-\hat "
                r"y_i)}\,\hat y_i(1-\hat y_i) = \sigma(a_i)-y_i",
            ),
            asks=r"$\partial L/\partial\mathbf{a}$ with $\hat{\mathbf{y}}=\sigma(\mathbf{a})$",
            expression="-sum(y .* log(sigmoid(a)) + (1 - y) .* log(1 - sigmoid(a)))",
            wrt="a",
            answer_latex=r"\sigma(\mathbf{a})-\mathbf{y}",
            wrong=(Wrong("kept the sigmoid derivative factor",
                         "sigmoid(a) .* (1 - sigmoid(a)) .* (sigmoid(a) - y)"),),
        ),
        Optimum(
            name="best-constant",
            derivation=(
                r"\frac{dL}{dc} &= \textstyle\sum_i\Big(-\frac{q_i}{c}+\frac{1-q_i}{1-c}\Big) = "
                r"\frac{mc-\sum_i q_i}{c(1-c)} = 0",
                r"c^* &= \tfrac1m\textstyle\sum_i q_i,\qquad \frac{d^2L}{dc^2}>0",
            ),
            asks=r"The constant prediction $c$ minimising $L$ over data with labels "
                 r"$q_i\in(0,1)$",
            of=lambda q, c: -total(q * log(c) + (1 - q) * log(1 - c)),
            wrt="c",
            sense="min",
            answer=lambda q: total(q) / q.shape[0],
            answer_latex=r"c^*=\frac1m\sum_{i=1}^m q_i\ \text{(the label mean)}",
            wrong=(Wrong("median-like 1/2", lambda q: 0.5 + 0 * total(q)),),
        ),
    ),
)
