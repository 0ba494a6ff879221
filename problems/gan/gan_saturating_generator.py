"""Seed 001 Problem 5: the minimax (saturating) generator loss log(1 - D(G(z))) has a gradient
proportional to D(G(z)), which vanishes when the discriminator rejects the fakes."""

from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong


PROBLEM = Problem(
    id="gan-saturating-generator",
    title="GAN generator loss: the minimax gradient vanishes as D(G(z)) -> 0",
    source=Source("001_971515a154971c79.txt", "P5"),
    statement=(
        r"The vanilla generator loss is $L_G=E_z[\log(1-\sigma(h_\phi(G_\theta(z))))]$ with "
        r"$D=\sigma(h)$. Show $\nabla L_G\to0$ when $D(G(z))\approx0$ and compare with the "
        r"non-saturating loss $-\log D(G(z))$. One sample $z$; $G_\Theta(z)=\tanh(\Theta z)$ "
        r"($\Theta$: $k\times n$) and $h=\phi^TG$ make the chain rule concrete."
    ),
    givens=(
        Given("z", ("n", 1), latex="z"),
        Given("Theta", ("k", "n"), latex=r"\Theta"),
        Given("phi", ("k", 1), latex=r"\phi"),
        Given("G", ("k", 1), latex="G", description="the generated sample",
              definition="tanh(Theta @ z)"),
        Given("h", (), latex="h", description="the discriminator logit",
              definition="phi.T @ G"),
        Given("D", (), latex="D", description="the discriminator's output D(G(z))",
              definition="sigmoid(h)"),
    ),
    shapes=({"n": 2, "k": 3}, {"n": 3, "k": 2}, {"n": 1, "k": 4}),
    parts=(
        Derivative(
            name="saturating-logit-gradient",
            derivation=(
                r"\frac{d}{dh}\log(1-\sigma(h)) &= \frac{-\sigma'(h)}{1-\sigma(h)} = "
                r"\frac{-\sigma(h)(1-\sigma(h))}{1-\sigma(h)}",
                r"&= -\sigma(h) = -D",
            ),
            asks=r"$\frac{d}{dh}\log(1-\sigma(h))$",
            expression="log(1 - sigmoid(h))", wrt="h",
            answer_latex=r"-\sigma(h)=-D\ \to 0\text{ as } D\to0",
            claim=Claim(r"\log(1 - \sigma(f)) \rightarrow -\sigma'(f)/(1 - \sigma(f))f'",
                        "-sigmoid(h) * (1 - sigmoid(h)) / (1 - sigmoid(h))", section="P5"),
            wrong=(Wrong("non-saturating -(1 - sigma(h))", "-(1 - sigmoid(h))"),
                   Wrong("kept sigma'(h) only", "-sigmoid(h) * (1 - sigmoid(h))")),
        ),
        Derivative(
            name="saturating-generator-gradient",
            derivation=(
                r"\delta_h &= \partial L_G/\partial h = -\sigma(h) = -D(G(z))",
                r"\boldsymbol\delta_G &= \phi\,\delta_h,\qquad \boldsymbol\delta_a = "
                r"(1-G^2)\odot\boldsymbol\delta_G\quad(a=\Theta z,\ G=\tanh a)",
                r"\partial L_G/\partial\Theta &= \boldsymbol\delta_a z^T = "
                r"-D\,\big(\phi\odot(1-G^2)\big)z^T\to0 \text{ as } D\to0",
            ),
            asks=r"$\partial L_G/\partial\Theta$ for $L_G=\log(1-D(G_\Theta(z)))$",
            expression="log(1 - sigmoid(h))", wrt="Theta",
            answer_latex=r"-D(G(z))\,\frac{\partial h}{\partial\Theta}=-D\,\big(\phi\odot"
                         r"(1-G^2)\big)z^T\ \to 0\text{ as } D\to0",
            claim=Claim(r"\frac{\partial L_G}{\partial \theta} = -E_{z \sim N(0, I)} "
                        r"[D_\phi(G_\theta(z)) \frac{\partial}{\partial \theta} h_\phi(G_\theta(z))]"
                        r"; for D(G(z)) \approx 0, \partial L / \partial \theta \rightarrow 0",
                        "-sigmoid(h) * (phi .* (1 - G^2)) @ z.T", section="P5"),
            wrong=(Wrong("factor 1 - D", "-(1 - sigmoid(h)) * (phi .* (1 - G^2)) @ z.T"),
                   Wrong("dropped tanh'", "-sigmoid(h) * phi @ z.T")),
        ),
        Derivative(
            name="non-saturating-generator-gradient",
            derivation=(
                r"\delta_h &= \frac{d}{dh}\big(-\log\sigma(h)\big) = "
                r"-\frac{\sigma(h)(1-\sigma(h))}{\sigma(h)} = -(1-D)",
                r"\partial(-\log D)/\partial\Theta &= \delta_h\,\big(\phi\odot(1-G^2)\big)z^T = "
                r"-(1-D)\big(\phi\odot(1-G^2)\big)z^T",
                r"D\to0:\ &\to -\big(\phi\odot(1-G^2)\big)z^T\neq0",
            ),
            asks=r"$\partial/\partial\Theta$ of the non-saturating loss $-\log D(G_\Theta(z))$",
            expression="-log(sigmoid(h))", wrt="Theta",
            answer_latex=r"-(1-D)\,\frac{\partial h}{\partial\Theta}=-(1-D)\big(\phi\odot"
                         r"(1-G^2)\big)z^T\ \to -\big(\phi\odot(1-G^2)\big)z^T\text{ as } D\to0\ "
                         r"\text{(does not vanish)}",
            wrong=(Wrong("factor D", "-sigmoid(h) * (phi .* (1 - G^2)) @ z.T"),),
        ),
    ),
    prose=(
        Claim(r"As the generator update is proportional to the gradient, the vanishing gradient "
              r"causes generator optimization to be slow and stagnant.", section="P5",
              reason="consequence about training dynamics; the gradient's factor D(G(z)) is "
              "verified in part saturating-generator-gradient"),
    ),
)
