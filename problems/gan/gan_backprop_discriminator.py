"""Seed 003 Problem 5: backpropagating the GAN objective through the discriminator and into the
generator."""

from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong

LOSS = "mean(log(sigmoid(zr))) + mean(log(1 - sigmoid(zf)))"
"""L = (1/n) Σ_i log D(X^i) + log(1 - D(G(Z^i))), D = σ(z): through the output pre-activations."""
SUMMED = "sum(log(sigmoid(zr))) + sum(log(1 - sigmoid(zf)))"
"""Σ_i log σ(z_r^i) + log(1 - σ(z_f^i)): the per-sample terms without the 1/n."""
GRAD_D_w2 = "{D} * (1 - {D}) * tanh(W1 @ {x}).T"
"""∇_{w2} D(x) = D(1 - D) tanh(W1 x)^T (1 x k)."""
GRAD_D_W1 = "{D} * (1 - {D}) * (w2.T .* (1 - tanh(W1 @ {x})^2)) @ {x}.T"
"""∇_{W1} D(x) = D(1 - D) (w2^T ⊙ (1 - tanh^2(W1 x))) x^T (k x p)."""
DL_DG = "-{scale}diag({D}) @ ((ones(n, 1) @ w2) .* (1 - tanh(W1 @ Gz).^2).T) @ W1"
"""Row i: ∂L/∂G_i = ∂L/∂z^1(G_i) W1, ∂L/∂z^1(G_i) = -(1/n) D(G_i) (w2 ⊙ (1 - tanh^2(W1 G_i))^T)."""
DELTA_NEXT = "(1 - sigmoid(u @ tanh(z_next))) * (u .* (1 - tanh(z_next)^2).T)"
"""∂L/∂z^{l+1} as a row (numerator layout): (1 - D) (u ⊙ (1 - tanh^2 z^{l+1})^T)."""


def via_grad_D(grad_D: str, fake_sign: str = "-", fake_denominator: str = "1 - {D}") -> str:
    """(1/n) Σ_i ∇D(X^i)/D(X^i) - ∇D(G(Z^i))/(1 - D(G(Z^i))), with ∇D a closed form."""
    real = grad_D.format(x="X[:, i-1]", D="sigmoid(zr_i)")
    fake = grad_D.format(x="Gz[:, i-1]", D="sigmoid(zf_i)")
    denominator = fake_denominator.format(D="sigmoid(zf_i)")
    return (f"1/n * sum_{{i=1}}^{{n}} ({real} / sigmoid(zr_i) {fake_sign} {fake} "
            f"/ ({denominator}))")


def generator_gradient(scale: str = "", dL_dz1_scale: str = "1/n * ",
                       through_G: str = " @ diag(1 - Gz[:, i-1]^2)") -> str:
    """scale · Σ_i ∂L/∂z^1(G_i) W1 ∂G_i/∂θ_g with ∂G_i/∂b_g = diag(1 - G_i^2);
    ``dL_dz1_scale`` is the 1/n of L inside ∂L/∂z^1(G_i) (empty: sample i's own term)."""
    dL_dz1 = f"-{dL_dz1_scale}sigmoid(zf_i) * (w2 .* (1 - tanh(W1 @ Gz[:, i-1])^2).T)"
    return f"{scale}sum_{{i=1}}^{{n}} ({dL_dz1} @ W1{through_G})"


PROBLEM = Problem(
    id="gan-backprop-discriminator",
    title="Backpropagation for GANs: through the discriminator into the generator",
    source=Source("003_e61c9815763fc135.txt", "Problem 5"),
    statement=(
        r"$L(\theta_d,\theta_g)=\frac1n\sum_{i=1}^n\log D(X^i)+\log(1-D(G(Z^i)))$ with "
        r"$D=\sigma(z_d^{L_d})$. (2) Write $\nabla_{\theta_d}L$ in terms of $\nabla_{\theta_d}D$ "
        r"(checked on $D(x)=\sigma(\mathbf{w}_2\tanh(\mathbf{W}_1x))$, samples as columns of "
        r"$X$ and $G_Z$). (3) Find $\partial L/\partial z_d^{L_d}$ for each sample's output "
        r"pre-activation ($z_r^i$ for $X^i$, $z_f^i$ for $G(Z^i)$). (4) With $z^{l+1}=W^{l+1}"
        r"A^l$, $A^l=g(z^l)$ ($g=\tanh$ here), express $\partial L/\partial z^l$ through "
        r"$\partial L/\partial z^{l+1}$ (numerator layout: rows). (5) Find $\partial L/\partial "
        r"G_i$ through $\mathbf{W}_d^1=\mathbf{W}_1$ and $\partial L/\partial z_d^1$; (6) "
        r"$\nabla_{\theta_g}L$ through $\nabla_{\theta_g}G(Z^i)$ for the generator "
        r"$G(z)=\tanh(Az+\theta_g)$."
    ),
    givens=(
        Given("X", ("p", "n"), latex="X", description="real samples, one per column"),
        Given("Z", ("q", "n"), latex="Z", description="generator noise, one sample per column"),
        Given("A", ("p", "q"), latex="A", description="generator weights"),
        Given("b_g", ("p", 1), latex=r"\theta_g", description="generator bias: the θ_g varied"),
        Given("Gz", ("p", "n"), latex="G_Z", description="generated samples G(Z^i)",
              definition="tanh(A @ Z + b_g @ ones(1, n))"),
        Given("W1", ("k", "p"), latex=r"\mathbf{W}_1"),
        Given("w2", (1, "k"), latex=r"\mathbf{w}_2"),
        Given("zr", ("n", 1), latex="z_r", description="output pre-activations, real samples",
              definition="(w2 @ tanh(W1 @ X)).T"),
        Given("zf", ("n", 1), latex="z_f", description="output pre-activations, fake samples",
              definition="(w2 @ tanh(W1 @ Gz)).T"),
        Given("c", (), latex="c", description="a shift shared by every output pre-activation"),
        Given("z_l", ("k", 1), latex="z^l"),
        Given("W_next", ("m", "k"), latex="W^{l+1}"),
        Given("z_next", ("m", 1), latex="z^{l+1}", definition="W_next @ tanh(z_l)"),
        Given("u", (1, "m"), latex="u", description="weights above layer l + 1"),
    ),
    shapes=({"p": 2, "n": 3, "k": 3, "m": 2, "q": 2}, {"p": 3, "n": 2, "k": 2, "m": 4, "q": 1},
            {"p": 1, "n": 4, "k": 4, "m": 3, "q": 3}),
    prose=(
        Claim(r"(1) D(X^i) is the probability that X^i is real; the discriminator maximises "
              r"\log D(X^i) on real samples and \log(1-D(G(Z^i))) on fake ones, so maximising L "
              r"classifies both correctly, like minimising binary cross-entropy", section="P5(1)",
              reason="an explanation of the objective; the matching formal facts (who maximises, "
                     "BCE as negated log-likelihood) are checked in gan-gradients and "
                     "bce-derivation"),
        Claim(r"(7) \theta_d^{t+1}=\theta_d^t+\alpha\nabla_{\theta_d}L (gradient ascent: the "
              r"discriminator maximises); (8) \theta_g^{t+1}=\theta_g^t-\alpha\nabla_{\theta_g}L "
              r"(gradient descent: the generator minimises)", section="P5(7)-(8)",
              reason="update rules, not values; the direction each follows from who maximises "
                     "and who minimises, which gan-gradients checks as optima"),
    ),
    parts=(
        Derivative(
            name="grad-w2-via-grad-D",
            derivation=(
                r"\nabla\log D &= \frac{\nabla D}{D},\qquad \nabla\log(1-D) = -\frac{\nabla "
                r"D}{1-D}",
                r"D &= \sigma(a),\ a = \mathbf{w}_2\tanh(\mathbf{W}_1x)\ \Rightarrow\ "
                r"\nabla_{\mathbf{w}_2}D = D(1-D)\tanh(\mathbf{W}_1x)^T",
                r"\nabla_{\mathbf{w}_2}L &= \frac1n\sum_i\Big[\frac{\nabla "
                r"D(X^i)}{D(X^i)}-\frac{\nabla D(G(Z^i))}{1-D(G(Z^i))}\Big]",
            ),
            asks=r"(2) $\nabla_{\mathbf{w}_2}L$ through $\nabla_{\mathbf{w}_2}D$ ($1\times k$)",
            expression=LOSS, wrt="w2",
            answer_latex=r"\frac1n\sum_i\Big[\frac{\nabla D(X^i)}{D(X^i)}-\frac{\nabla D(G(Z^i))}"
                         r"{1-D(G(Z^i))}\Big],\ \nabla_{\mathbf{w}_2}D=D(1-D)"
                         r"\tanh(\mathbf{W}_1x)^T",
            claim=Claim(r"\nabla_{\theta_d}L=\frac1n\sum_{i=1}^n\left[\frac{\nabla_{\theta_d}D(X^i;"
                        r"\theta_d)}{D(X^i;\theta_d)}-\frac{\nabla_{\theta_d}D(G(Z^i);\theta_d)}"
                        r"{1-D(G(Z^i);\theta_d)}\right]", via_grad_D(GRAD_D_w2), section="P5(2)"),
            wrong=(Wrong("fake term added, not subtracted", via_grad_D(GRAD_D_w2, fake_sign="+")),
                   Wrong("fake term divided by D(G(Z)) instead of 1 - D(G(Z))",
                         via_grad_D(GRAD_D_w2, fake_denominator="{D}"))),
        ),
        Derivative(
            name="grad-W1-via-grad-D",
            derivation=(
                r"\nabla\log D &= \frac{\nabla D}{D},\qquad \nabla\log(1-D) = -\frac{\nabla "
                r"D}{1-D}",
                r"\frac{\partial a}{\partial(\mathbf{W}_1x)} &= "
                r"\mathbf{w}_2^T\odot(1-\tanh^2\mathbf{W}_1x)\quad(a = "
                r"\mathbf{w}_2\tanh(\mathbf{W}_1x))",
                r"\nabla_{\mathbf{W}_1}D &= "
                r"D(1-D)\big(\mathbf{w}_2^T\odot(1-\tanh^2\mathbf{W}_1x)\big)x^T",
                r"\nabla_{\mathbf{W}_1}L &= \frac1n\sum_i\Big[\frac{\nabla "
                r"D(X^i)}{D(X^i)}-\frac{\nabla D(G(Z^i))}{1-D(G(Z^i))}\Big]",
            ),
            asks=r"(2) $\nabla_{\mathbf{W}_1}L$ through $\nabla_{\mathbf{W}_1}D$ ($k\times p$)",
            expression=LOSS, wrt="W1",
            answer_latex=r"\frac1n\sum_i\Big[\frac{\nabla D(X^i)}{D(X^i)}-\frac{\nabla D(G(Z^i))}"
                         r"{1-D(G(Z^i))}\Big],\ \nabla_{\mathbf{W}_1}D=D(1-D)\big(\mathbf{w}_2^T"
                         r"\odot(1-\tanh^2\mathbf{W}_1x)\big)x^T",
            claim=Claim(r"\nabla_{\theta_d}L=\frac1n\sum_{i=1}^n\left[\frac{\nabla_{\theta_d}D(X^i;"
                        r"\theta_d)}{D(X^i;\theta_d)}-\frac{\nabla_{\theta_d}D(G(Z^i);\theta_d)}"
                        r"{1-D(G(Z^i);\theta_d)}\right]", via_grad_D(GRAD_D_W1), section="P5(2)"),
            wrong=(Wrong("fake term added, not subtracted", via_grad_D(GRAD_D_W1, fake_sign="+")),),
        ),
        Derivative(
            name="dl-dz-real",
            derivation=(
                r"\frac{\partial}{\partial z}\log\sigma(z) &= "
                r"\frac{\sigma(z)(1-\sigma(z))}{\sigma(z)} = 1-\sigma(z)",
                r"\frac{\partial L}{\partial z_r^i} &= \frac1n\big(1-\sigma(z_r^i)\big) = "
                r"\frac1n\big(1-D(X^i)\big)",
            ),
            asks=r"(3) $\partial L/\partial z_r^i$ for each real sample ($n\times1$)",
            expression=LOSS, wrt="zr",
            answer_latex=r"\frac1n\big(1-\sigma(z_r)\big)\quad(\text{entry } i\text{: }"
                         r"\tfrac1n(1-D(X^i)))",
            claim=Claim(r"\left.\frac{\partial L}{\partial z_d^{L_d}}\right|_{X^i}=1-D(X^i;"
                        r"\theta_d)", "1 - sigmoid(zr)", section="P5(3)",
                        holds_in="sum-dz-real",
                        condition="the per-sample term is differentiated without the 1/n of L"),
            wrong=(Wrong("1/n dropped", "1 - sigmoid(zr)"),
                   Wrong("D instead of 1 - D", "sigmoid(zr) / n")),
        ),
        Derivative(
            name="sum-dz-real",
            derivation=(
                r"\frac{\partial}{\partial z}\log\sigma(z) &= "
                r"\frac{\sigma(z)(1-\sigma(z))}{\sigma(z)} = 1-\sigma(z)",
                r"\frac{\partial}{\partial z_r^i}\textstyle\sum_j\log\sigma(z_r^j) &= "
                r"1-\sigma(z_r^i) = 1-D(X^i)",
            ),
            asks=r"(3) $\partial/\partial z_r^i$ of the un-averaged sum of per-sample terms",
            expression=SUMMED, wrt="zr",
            answer_latex=r"1-\sigma(z_r)\quad(\text{entry } i\text{: }1-D(X^i))",
            wrong=(Wrong("D instead of 1 - D", "sigmoid(zr)"),),
        ),
        Derivative(
            name="dl-dz-fake",
            derivation=(
                r"\frac{\partial}{\partial z}\log(1-\sigma(z)) &= "
                r"\frac{-\sigma(z)(1-\sigma(z))}{1-\sigma(z)} = -\sigma(z)",
                r"\frac{\partial L}{\partial z_f^i} &= -\frac1n\sigma(z_f^i) = -\frac1n D(G(Z^i))",
            ),
            asks=r"(3) $\partial L/\partial z_f^i$ for each fake sample ($n\times1$)",
            expression=LOSS, wrt="zf",
            answer_latex=r"-\frac1n\sigma(z_f)\quad(\text{entry } i\text{: }"
                         r"-\tfrac1n D(G(Z^i)))",
            claim=Claim(r"\left.\frac{\partial L}{\partial z_d^{L_d}}\right|_{Z^i}=-D(G(Z^i);"
                        r"\theta_d)", "-sigmoid(zf)", section="P5(3)",
                        holds_in="sum-dz-fake",
                        condition="the per-sample term is differentiated without the 1/n of L"),
            wrong=(Wrong("1/n dropped", "-sigmoid(zf)"),
                   Wrong("1 - D instead of D", "-(1 - sigmoid(zf)) / n")),
        ),
        Derivative(
            name="sum-dz-fake",
            derivation=(
                r"\frac{\partial}{\partial z}\log(1-\sigma(z)) &= "
                r"\frac{-\sigma(z)(1-\sigma(z))}{1-\sigma(z)} = -\sigma(z)",
                r"\frac{\partial}{\partial z_f^i}\textstyle\sum_j\log(1-\sigma(z_f^j)) &= "
                r"-\sigma(z_f^i) = -D(G(Z^i))",
            ),
            asks=r"(3) $\partial/\partial z_f^i$ of the un-averaged sum of per-sample terms",
            expression=SUMMED, wrt="zf",
            answer_latex=r"-\sigma(z_f)\quad(\text{entry } i\text{: }-D(G(Z^i)))",
            wrong=(Wrong("1 - D instead of D", "-(1 - sigmoid(zf))"),),
        ),
        Derivative(
            name="dl-dz-shared",
            derivation=(
                r"\frac{dL}{dc} &= \textstyle\sum_i\Big(\frac{\partial L}{\partial "
                r"z_r^i}+\frac{\partial L}{\partial z_f^i}\Big)\quad\text{(every pre-activation "
                r"shifted by } c)",
                r"&= \frac1n\textstyle\sum_i\big[(1-D(X^i))-D(G(Z^i))\big]",
            ),
            asks=r"(3) $dL/dc$ when one shift $c$ is added to every output pre-activation "
                 r"(the sum of all per-sample gradients)",
            expression="mean(log(sigmoid(zr + c))) + mean(log(1 - sigmoid(zf + c)))", wrt="c",
            answer_latex=r"\frac1n\sum_{i=1}^n\big[(1-\sigma(z_{r,i}+c))-\sigma(z_{f,i}+c)\big]"
                         r"\quad(=\tfrac1n\sum_i[(1-D(X^i))-D(G(Z^i))])",
            notes="The seed's combined formula is a scalar: it is the derivative with respect to "
                  "a pre-activation shared by all 2n terms, equivalently the sum of the entries of "
                  "dl-dz-real and dl-dz-fake, not a per-sample gradient.",
            claim=Claim(r"\frac{\partial L(\theta_d,\theta_g)}{\partial z_d^{L_d}}=\frac1n"
                        r"\sum_{i=1}^n[(1-D(X^i;\theta_d))-D(G(Z^i);\theta_d)]",
                        "sum((1 - sigmoid(zr + c)) - sigmoid(zf + c)) / n", section="P5(3)"),
            wrong=(Wrong("1/n dropped", "sum((1 - sigmoid(zr + c)) - sigmoid(zf + c))"),),
        ),
        Derivative(
            name="recursion",
            derivation=(
                r"z^{l+1} &= W^{l+1}g(z^l)\ \Rightarrow\ \frac{\partial z^{l+1}}{\partial z^l} = "
                r"W^{l+1}\operatorname{diag}\big(g'(z^l)\big)",
                r"\frac{\partial L}{\partial z^l} &= \frac{\partial L}{\partial "
                r"z^{l+1}}\,W^{l+1}\operatorname{diag}\big(g'(z^l)\big),\quad g' = 1-\tanh^2",
            ),
            asks=r"(4) $\partial L/\partial z^l$ from $\partial L/\partial z^{l+1}$ (a row)",
            expression="log(sigmoid(u @ tanh(z_next)))", wrt="z_l", layout="numerator",
            answer_latex=r"\frac{\partial L}{\partial z^{l+1}}\,W^{l+1}\,\mathrm{diag}"
                         r"\big(g'(z^l)\big)",
            claim=Claim(r"\frac{\partial L}{\partial z_d^l}=\frac{\partial L}{\partial z_d^{l+1}}"
                        r"\mathbf{W}_d^{l+1}(g_d^l)'(z_d^l) (numerator layout, gradients are rows)",
                        f"{DELTA_NEXT} @ W_next @ diag(1 - tanh(z_l)^2)", section="P5(4)"),
            wrong=(Wrong("activation derivative dropped", f"{DELTA_NEXT} @ W_next"),
                   Wrong("activation itself instead of its derivative",
                         f"{DELTA_NEXT} @ W_next @ diag(tanh(z_l))")),
        ),
        Derivative(
            name="dl-dgenerated",
            derivation=(
                r"\frac{\partial L}{\partial a(G_i)} &= -\tfrac1n D(G_i),\quad a = "
                r"\mathbf{w}_2\tanh(z_d^1)\quad\text{(only the fake term depends on } G_i)",
                r"\frac{\partial L}{\partial z_d^1(G_i)} &= -\tfrac1n "
                r"D(G_i)\big(\mathbf{w}_2\odot(1-\tanh^2\mathbf{W}_1G_i)^T\big)",
                r"z_d^1 &= \mathbf{W}_d^1G_i\ \Rightarrow\ \frac{\partial L}{\partial G_i} = "
                r"\frac{\partial L}{\partial z_d^1(G_i)}\mathbf{W}_d^1",
            ),
            asks=r"(5) $\partial L/\partial G_i$ for every generated sample (row $i$, $n\times p$)",
            expression=LOSS, wrt="Gz", layout="numerator",
            answer_latex=r"\frac{\partial L}{\partial z_d^1(G_i)}\mathbf{W}_d^1,\quad"
                         r"\frac{\partial L}{\partial z_d^1(G_i)}=-\tfrac1nD(G_i)\big(\mathbf{w}_2"
                         r"\odot(1-\tanh^2\mathbf{W}_1G_i)^T\big)",
            claim=Claim(r"\frac{\partial L}{\partial G_i}=\frac{\partial L}{\partial z_d^1(G(Z^i;"
                        r"\theta_g))}\mathbf{W}_d^1", DL_DG.format(scale="1/n * ", D="sigmoid(zf)"),
                        section="P5(5)"),
            wrong=(Wrong("1/n dropped", DL_DG.format(scale="", D="sigmoid(zf)")),
                   Wrong("real-sample factor 1 - D(G_i) instead of D(G_i)",
                         DL_DG.format(scale="1/n * ", D="1 - sigmoid(zf)"))),
        ),
        Derivative(
            name="grad-generator",
            derivation=(
                r"G_i &= \tanh(AZ^i+\theta_g)\ \Rightarrow\ \nabla_{\theta_g}G(Z^i) = "
                r"\operatorname{diag}(1-G_i^2)",
                r"\nabla_{\theta_g}L &= \sum_i\frac{\partial L}{\partial "
                r"G_i}\nabla_{\theta_g}G(Z^i) = \sum_i\frac{\partial L}{\partial "
                r"z_d^1(G_i)}\mathbf{W}_d^1\operatorname{diag}(1-G_i^2)",
                r"&\text{(the } \tfrac1n \text{ is already inside } \partial L/\partial "
                r"z_d^1(G_i))",
            ),
            asks=r"(6) $\nabla_{\theta_g}L$ through $\nabla_{\theta_g}G(Z^i)$, "
                 r"$G(z)=\tanh(Az+\theta_g)$ (a row)",
            expression=LOSS, wrt="b_g", layout="numerator",
            answer_latex=r"\sum_i\frac{\partial L}{\partial z_d^1(G_i)}\mathbf{W}_d^1\,"
                         r"\nabla_{\theta_g}G(Z^i)\quad(\text{the }\tfrac1n\text{ is already in }"
                         r"\partial L/\partial z_d^1)",
            notes="∇_{θ_g}G(Z^i) = diag(1 - G_i^2) for this generator.",
            claim=Claim(r"\nabla_{\theta_g}L=\frac1n\sum_{i=1}^n\frac{\partial L}{\partial z_d^1"
                        r"(G(Z^i;\theta_g))}\mathbf{W}_d^1\nabla_{\theta_g}G(Z^i;\theta_g)",
                        generator_gradient("1/n * "), section="P5(6)", holds_in="grad-generator",
                        holds_value=generator_gradient("1/n * ", dL_dz1_scale=""),
                        condition="dL/dz_d^1(G_i) is read as the derivative of sample i's own "
                                  "term, without the 1/n of L (as in the seed's (3))"),
            wrong=(Wrong("1/n counted twice", generator_gradient("1/n * ")),
                   Wrong("generator's activation derivative dropped",
                         generator_gradient(through_G=""))),
        ),
    ),
)
