"""Seed 002 §11: momentum as a weighted sum, Adam's bias and its correction, a Newton step."""

from derivekit.model import POSITIVE, SPD, UNIT, Claim, Equation, Expectation, Given, Iteration, \
    Optimum, Problem, Source, Wrong, normal
from derivekit.ops import inv, scalar, sqrt, vstack


def ewma(g, beta):
    """Run v_{t+1} = beta v_t + (1 - beta) g_t from v = 0 over the gradients g_1..g_T."""
    v = 0
    for i in range(g.shape[0]):
        v = beta * v + (1 - beta) * g[i, 0]
    return v


def weighted_sum(g, beta):
    """(1 - beta) sum_i beta^(T-i) g_i."""
    T = g.shape[0]
    return sum((1 - beta) * beta ** (T - 1 - i) * g[i, 0] for i in range(T))


def first_step(gc, beta1, beta2, corrected):
    """Adam's first update direction m_1 / sqrt(v_1) (epsilon = 0, alpha = 1) for gradient gc."""
    m = (1 - beta1) * gc
    v = (1 - beta2) * gc ** 2
    if corrected:
        m, v = m / (1 - beta1), v / (1 - beta2)
    return m / sqrt(v)


def step_ratio(gc, beta1, beta2):
    """How much larger the first step is without bias correction than with it."""
    return first_step(gc, beta1, beta2, False) / first_step(gc, beta1, beta2, True)


def quadratic(theta, A, c):
    return scalar(theta.T @ A @ theta) / 2 - scalar(c.T @ theta)


PROBLEM = Problem(
    id="adam-bias-correction",
    title="Momentum, Adam's bias correction and Newton's step",
    source=Source("002_a2d52afd229cfba6.txt", "11"),
    statement=(
        r"Momentum: $v_{t+1}=\beta v_t+(1-\beta)\nabla f(\theta_t)$, $v_0=0$. Adam: "
        r"$m_t=\beta_1m_{t-1}+(1-\beta_1)g_t$, $v_t=\beta_2v_{t-1}+(1-\beta_2)g_t^2$ from "
        r"$m_0=v_0=0$, $\hat m_t=m_t/(1-\beta_1^t)$, $\hat v_t=v_t/(1-\beta_2^t)$, "
        r"$\theta_t=\theta_{t-1}-\alpha\hat m_t/(\sqrt{\hat v_t}+\epsilon)$. Write $v_T$ as a "
        r"weighted sum of past gradients; for stationary gradients $g_t=\mu+N_t$, "
        r"$N_t\sim\mathcal N(0,\sigma^2)$ i.i.d., find $E[m_T]$, $E[\hat m_T]$, $E[\hat v_T]$; "
        r"compare Adam's first step with and without bias correction ($\epsilon=0$). Newton: "
        r"$\theta_{t+1}=\theta_t-\alpha H^{-1}\nabla f(\theta_t)$ on "
        r"$f(\theta)=\frac12\theta^TA\theta-c^T\theta$."
    ),
    givens=(
        Given("g", ("T", 1), latex="g", description="gradients g_1..g_T"),
        Given("beta", (), UNIT, r"\beta"),
        Given("beta1", (), UNIT, r"\beta_1"),
        Given("beta2", (), UNIT, r"\beta_2"),
        Given("mu", (), POSITIVE, r"\mu", "mean gradient"),
        Given("sigma", (), POSITIVE, r"\sigma", "gradient noise"),
        Given("gc", (), latex="g", description="the first gradient"),
        Given("A", ("n", "n"), SPD, "A"),
        Given("c", ("n", 1), latex="c"),
        Given("theta0", ("n", 1), latex=r"\theta_t"),
        Given("theta", ("n", 1), latex=r"\theta"),
    ),
    shapes=({"T": 1, "n": 2}, {"T": 3, "n": 3}, {"T": 6, "n": 2}),
    parts=(
        Equation(
            name="momentum-weighted-sum",
            derivation=(
                r"v_1 &= (1-\beta)g_1,\quad v_2 = \beta(1-\beta)g_1+(1-\beta)g_2",
                r"v_T &= \beta v_{T-1}+(1-\beta)g_T = "
                r"(1-\beta)\textstyle\sum_{i=1}^T\beta^{T-i}g_i \quad\text{(induction on } T)",
            ),
            asks=r"$v_T$ (run the momentum recursion) as a weighted sum of $g_1..g_T$",
            lhs=ewma,
            rhs=weighted_sum,
            answer_latex=r"v_T=(1-\beta)\sum_{i=1}^T\beta^{T-i}g_i",
            claim=Claim(r"Adam uses exponentially decaying averages of past gradients (m_t)",
                        weighted_sum, section="11.3 answer 1"),
            wrong=(Wrong("(1 - beta) dropped", lambda g, beta: sum(
                       beta ** (g.shape[0] - 1 - i) * g[i, 0] for i in range(g.shape[0]))),
                   Wrong("exponent off by one: beta^(T-i+1)", lambda g, beta: beta
                         * weighted_sum(g, beta))),
        ),
        Expectation(
            name="first-moment-bias",
            derivation=(
                r"m_T &= (1-\beta_1)\textstyle\sum_{t=1}^T\beta_1^{T-t}g_t,\quad E[g_t] = \mu",
                r"E[m_T] &= (1-\beta_1)\,\mu\textstyle\sum_{t=1}^T\beta_1^{T-t} = "
                r"(1-\beta_1)\,\mu\, \frac{1-\beta_1^T}{1-\beta_1} = (1-\beta_1^T)\,\mu",
            ),
            asks=r"$E[m_T]$ for i.i.d. gradients of mean $\mu$",
            of=lambda mu, beta1, N: ewma(mu + N, beta1),
            noise=(Given("N", ("T", 1), normal("sigma"), "N"),),
            equals=lambda mu, beta1, g: (1 - beta1 ** g.shape[0]) * mu,
            answer_latex=r"E[m_T]=(1-\beta_1^T)\,\mu\ \text{(shrunk toward 0 for small }T)",
            claim=Claim(r"Initially, m_t and v_t are biased towards zero because they are "
                        r"initialized as zero vectors", lambda mu, beta1, g:
                        (1 - beta1 ** g.shape[0]) * mu, section="11.3 answer 2"),
            wrong=(Wrong("unbiased: mu", lambda mu: mu),
                   Wrong("beta^T mu", lambda mu, beta1, g: beta1 ** g.shape[0] * mu)),
        ),
        Expectation(
            name="first-moment-corrected",
            derivation=(
                r"E[\hat m_T] &= \frac{E[m_T]}{1-\beta_1^T} = "
                r"\frac{(1-\beta_1^T)\,\mu}{1-\beta_1^T} = \mu",
            ),
            asks=r"$E[\hat m_T]=E[m_T/(1-\beta_1^T)]$",
            of=lambda mu, beta1, N: ewma(mu + N, beta1) / (1 - beta1 ** N.shape[0]),
            noise=(Given("N", ("T", 1), normal("sigma"), "N"),),
            equals=lambda mu: mu,
            answer_latex=r"\mu",
            claim=Claim(r"The correction terms 1 - \beta_1^t and 1 - \beta_2^t are used to adjust "
                        r"the estimates, making them unbiased", lambda mu: mu,
                        section="11.3 answer 2"),
            wrong=(Wrong("corrected by 1 - beta1", lambda mu, beta1, g:
                         (1 - beta1 ** g.shape[0]) / (1 - beta1) * mu),),
        ),
        Expectation(
            name="second-moment-corrected",
            derivation=(
                r"E[g_t^2] &= \operatorname{Var}(g_t)+E[g_t]^2 = \sigma^2+\mu^2",
                r"E[v_T] &= (1-\beta_2)\textstyle\sum_{t=1}^T\beta_2^{T-t}E[g_t^2] = "
                r"(1-\beta_2^T)(\mu^2+\sigma^2)",
                r"E[\hat v_T] &= \frac{E[v_T]}{1-\beta_2^T} = \mu^2+\sigma^2",
            ),
            asks=r"$E[\hat v_T]=E[v_T/(1-\beta_2^T)]$",
            of=lambda mu, beta2, N: ewma((mu + N) ** 2, beta2) / (1 - beta2 ** N.shape[0]),
            noise=(Given("N", ("T", 1), normal("sigma"), "N"),),
            equals=lambda mu, sigma: mu ** 2 + sigma ** 2,
            answer_latex=r"E[g_t^2]=\mu^2+\sigma^2",
            claim=Claim(r"\hat{m}_t and \hat{v}_t are bias-corrected versions of m_t and v_t: the "
                        r"correction terms 1 - \beta_1^t and 1 - \beta_2^t make them unbiased",
                        lambda mu, sigma: mu ** 2 + sigma ** 2, section="11.3 answer 2"),
            wrong=(Wrong("the square of the mean, mu^2", lambda mu: mu ** 2),),
        ),
        Iteration(
            name="constant-gradient-moments",
            derivation=(
                r"m_t &= (1-\beta_1)\,g\textstyle\sum_{i=0}^{t-1}\beta_1^i = (1-\beta_1^t)\,g",
                r"v_t &= (1-\beta_2)\,g^2\textstyle\sum_{i=0}^{t-1}\beta_2^i = (1-\beta_2^t)\,g^2",
                r"\hat m_t &= \frac{m_t}{1-\beta_1^t} = g,\quad \hat v_t = "
                r"\frac{v_t}{1-\beta_2^t} = g^2",
            ),
            asks=r"$(m_t, v_t)$ under a constant gradient $g$, from $m_0=v_0=0$",
            step=lambda state, gc, beta1, beta2: vstack(
                beta1 * state[0, 0] + (1 - beta1) * gc, beta2 * state[1, 0] + (1 - beta2) * gc ** 2),
            start=lambda: vstack(0, 0),
            closed_form=lambda t, gc, beta1, beta2: vstack((1 - beta1 ** t) * gc,
                                                           (1 - beta2 ** t) * gc ** 2),
            answer_latex=r"m_t=(1-\beta_1^t)\,g,\ v_t=(1-\beta_2^t)\,g^2\ "
                         r"\text{(so }\hat m_t=g,\ \hat v_t=g^2)",
            wrong=(Wrong("beta^t instead of 1 - beta^t", lambda t, gc, beta1, beta2: vstack(
                       beta1 ** t * gc, beta2 ** t * gc ** 2)),
                   Wrong("already unbiased", lambda t, gc, beta1, beta2: vstack(gc, gc ** 2))),
        ),
        Equation(
            name="uncorrected-first-step",
            derivation=(
                r"m_1 &= (1-\beta_1)\,g,\quad v_1 = (1-\beta_2)\,g^2,\quad \hat m_1 = g,\quad "
                r"\hat v_1 = g^2",
                r"\frac{m_1/\sqrt{v_1}}{\hat m_1/\sqrt{\hat v_1}} &= "
                r"\frac{(1-\beta_1)\,g\,/\,(\sqrt{1-\beta_2}\,|g|)}{g\,/\,|g|} = "
                r"\frac{1-\beta_1}{\sqrt{1-\beta_2}}",
            ),
            asks=r"Adam's first step without bias correction over the step with it "
                 r"($\epsilon=0$)",
            lhs=step_ratio,
            rhs=lambda beta1, beta2: (1 - beta1) / sqrt(1 - beta2),
            answer_latex=r"\frac{m_1/\sqrt{v_1}}{\hat m_1/\sqrt{\hat v_1}}="
                         r"\frac{1-\beta_1}{\sqrt{1-\beta_2}}",
            wrong=(Wrong("only m corrected: 1 - beta1", lambda beta1: 1 - beta1),
                   Wrong("no square root", lambda beta1, beta2: (1 - beta1) / (1 - beta2))),
        ),
        Equation(
            name="uncorrected-first-step-defaults",
            derivation=(
                r"\frac{1-0.9}{\sqrt{1-0.999}} &= \frac{0.1}{\sqrt{0.001}} = 0.1\sqrt{1000} = "
                r"\sqrt{10} \approx 3.16",
            ),
            asks=r"That ratio at the usual $\beta_1=0.9$, $\beta_2=0.999$",
            lhs=lambda: step_ratio(1.0, 0.9, 0.999),
            rhs=lambda: sqrt(10),
            answer_latex=r"\sqrt{10}\approx3.16\ \text{(the correction shrinks the first steps)}",
            wrong=(Wrong("0.1 (only m's bias counted)", lambda: 0.1),),
        ),
        Optimum(
            name="newton-step",
            derivation=(
                r"\nabla f(\theta) &= A\theta-c,\quad H = \nabla^2 f = A",
                r"\theta_{t+1} &= \theta_t-A^{-1}(A\theta_t-c) = A^{-1}c",
                r"\nabla f(A^{-1}c) &= 0,\quad A\succ0 \;\Rightarrow\; A^{-1}c = \arg\min_\theta f",
            ),
            asks=r"One Newton step ($\alpha=1$) from any $\theta_t$ on the quadratic "
                 r"$f(\theta)=\frac12\theta^TA\theta-c^T\theta$ lands on its minimiser",
            of=quadratic,
            wrt="theta",
            answer=lambda theta0, A, c: theta0 - inv(A) @ (A @ theta0 - c),
            answer_latex=r"\theta_t-A^{-1}(A\theta_t-c)=A^{-1}c",
            wrong=(Wrong("a unit gradient step", lambda theta0, A, c: theta0 - (A @ theta0 - c)),
                   Wrong("H instead of H^{-1}", lambda theta0, A, c:
                         theta0 - A @ (A @ theta0 - c))),
        ),
    ),
    prose=(
        Claim(r"NAG computes the gradient at the look-ahead position \theta_t - \alpha v_t, "
              r"correcting the course earlier: faster convergence, better accuracy, less "
              r"overshooting", section="11.1.1",
              reason="a qualitative comparison of two algorithms; its speed-up depends on the "
                     "objective and is not stated as a formula"),
        Claim(r"Adagrad's per-parameter learning rate diminishes for frequently updated "
              r"parameters; the momentum algorithm uses a constant learning rate, which may not "
              r"be optimal", section="11.1.2",
              reason="an explanation; the shrinking rate alpha/sqrt(g_{t+1}+eps) follows from "
                     "g_t being a running sum of squares, with no claimed value to check"),
        Claim(r"Newton's method uses curvature information, leading to faster convergence "
              r"near the optimum; computing and inverting the Hessian is expensive",
              section="11.2",
              reason="qualitative; part newton-step checks the exact case (one step on a "
                     "quadratic), the rate near the optimum of a general f is not claimed as a "
                     "formula"),
        Claim(r"The momentum term m_t accelerates convergence in the relevant direction, while "
              r"v_t scales the updates, preventing large updates", section="11.3 answer 1",
              reason="qualitative description of Adam's behaviour"),
        Claim(r"The bias correction ensures that during the early stages of training, the "
              r"optimizer can still make significant updates", section="11.3 answer 2",
              reason="not a value; but parts uncorrected-first-step(-defaults) show the "
                     "opposite effect at the usual betas: without correction the first step "
                     "is (1-beta1)/sqrt(1-beta2) = sqrt(10) ~ 3.2 times larger, so the "
                     "correction shrinks the early steps (v's bias outweighs m's)"),
    ),
)
