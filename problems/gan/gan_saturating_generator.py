"""Seed 001 Problem 5: the minimax (saturating) generator loss log(1 - D(G(z))) has a gradient
proportional to D(G(z)), which vanishes when the discriminator rejects the fakes."""

from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong
from derivekit.ops import log, scalar, sigmoid, tanh


def logit(Theta, phi, z):
    """h_phi(G_theta(z)) for the generator G = tanh(Theta z) and a linear critic phi^T G."""
    return scalar(phi.T @ tanh(Theta @ z))


def logit_grad(Theta, phi, z):
    """dh/dTheta = (phi ⊙ (1 - G²)) z^T."""
    return (phi * (1 - tanh(Theta @ z) ** 2)) @ z.T


def fake_score(Theta, phi, z):
    return sigmoid(logit(Theta, phi, z))


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
        Given("h", (), latex="h", description="a discriminator logit"),
        Given("z", ("n", 1), latex="z"),
        Given("Theta", ("k", "n"), latex=r"\Theta"),
        Given("phi", ("k", 1), latex=r"\phi"),
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
            of=lambda h: log(1 - sigmoid(h)),
            wrt="h",
            answer=lambda h: -sigmoid(h),
            answer_latex=r"-\sigma(h)=-D\ \to 0\text{ as } D\to0",
            claim=Claim(r"\log(1 - \sigma(f)) \rightarrow -\sigma'(f)/(1 - \sigma(f))f'",
                        lambda h: -sigmoid(h) * (1 - sigmoid(h)) / (1 - sigmoid(h)),
                        section="P5"),
            wrong=(Wrong("non-saturating -(1 - sigma(h))", lambda h: -(1 - sigmoid(h))),
                   Wrong("kept sigma'(h) only", lambda h: -sigmoid(h) * (1 - sigmoid(h)))),
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
            of=lambda Theta, phi, z: log(1 - fake_score(Theta, phi, z)),
            wrt="Theta",
            answer=lambda Theta, phi, z: -fake_score(Theta, phi, z) * logit_grad(Theta, phi, z),
            answer_latex=r"-D(G(z))\,\frac{\partial h}{\partial\Theta}=-D\,\big(\phi\odot"
                         r"(1-G^2)\big)z^T\ \to 0\text{ as } D\to0",
            claim=Claim(r"\frac{\partial L_G}{\partial \theta} = -E_{z \sim N(0, I)} "
                        r"[D_\phi(G_\theta(z)) \frac{\partial}{\partial \theta} h_\phi(G_\theta(z))]"
                        r"; for D(G(z)) \approx 0, \partial L / \partial \theta \rightarrow 0",
                        lambda Theta, phi, z: -fake_score(Theta, phi, z)
                        * logit_grad(Theta, phi, z), section="P5"),
            wrong=(Wrong("factor 1 - D", lambda Theta, phi, z:
                         -(1 - fake_score(Theta, phi, z)) * logit_grad(Theta, phi, z)),
                   Wrong("dropped tanh'", lambda Theta, phi, z:
                         -fake_score(Theta, phi, z) * phi @ z.T)),
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
            of=lambda Theta, phi, z: -log(fake_score(Theta, phi, z)),
            wrt="Theta",
            answer=lambda Theta, phi, z: -(1 - fake_score(Theta, phi, z))
            * logit_grad(Theta, phi, z),
            answer_latex=r"-(1-D)\,\frac{\partial h}{\partial\Theta}\ \to -\frac{\partial h}"
                         r"{\partial\Theta}\text{ as } D\to0\ \text{(does not vanish)}",
            wrong=(Wrong("factor D", lambda Theta, phi, z:
                         -fake_score(Theta, phi, z) * logit_grad(Theta, phi, z)),),
        ),
    ),
    prose=(
        Claim(r"As the generator update is proportional to the gradient, the vanishing gradient "
              r"causes generator optimization to be slow and stagnant.", section="P5",
              reason="consequence about training dynamics; the gradient's factor D(G(z)) is "
              "verified in part saturating-generator-gradient"),
    ),
)
