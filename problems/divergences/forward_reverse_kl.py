"""Seed 001 Problem 4: forward vs reverse KL when a Gaussian Q is fitted to a two-mode P."""

import math

from derivekit.model import POSITIVE, UNIT, Claim, Equation, Given, Optimum, Problem, Source, Wrong
from derivekit.ops import exp, log, vstack


def gaussian_pdf(x, mean, std):
    return math.exp(-(x - mean) ** 2 / (2 * std**2)) / (std * math.sqrt(2 * math.pi))


def two_modes(x):
    """The example target P = N(-3, 1)/2 + N(3, 1)/2."""
    return (gaussian_pdf(x, -3, 1) + gaussian_pdf(x, 3, 1)) / 2


def candidate_a(x):
    """Q between the modes: P's mean and variance, N(0, 10)."""
    return gaussian_pdf(x, 0, math.sqrt(10))


def candidate_b(x):
    """Q on one mode: N(3, 1)."""
    return gaussian_pdf(x, 3, 1)


def kl(f, g, low=-25.0, high=25.0, cells=5000):
    """KL(f || g) = integral of f log(f/g), by the midpoint rule (no closed form for a
    mixture); the integrand is dropped where f underflows to 0."""
    width = (high - low) / cells
    total = 0.0
    for i in range(cells):
        x = low + (i + 0.5) * width
        fx = f(x)
        if fx > 0:
            total += fx * math.log(fx / g(x)) * width
    return total


def preferred():
    """+1 when candidate A has the smaller divergence, -1 when B has: forward, then reverse."""
    forward = kl(two_modes, candidate_a) < kl(two_modes, candidate_b)
    reverse = kl(candidate_a, two_modes) < kl(candidate_b, two_modes)
    return vstack(1 if forward else -1, 1 if reverse else -1)


def cross_entropy(theta, pi, m1, m2, s1, s2):
    """E_P[-log Q] - log(2 pi)/2 for Q = N(mu, e^{2t}), theta = (mu, t), P = pi N(m1, s1^2)
    + (1 - pi) N(m2, s2^2): forward KL up to the constant -H(P)."""
    mu, t = theta[0, 0], theta[1, 0]
    spread = pi * (s1**2 + (m1 - mu) ** 2) + (1 - pi) * (s2**2 + (m2 - mu) ** 2)
    return t + spread / (2 * exp(2 * t))


def moment_match(pi, m1, m2, s1, s2):
    mean = pi * m1 + (1 - pi) * m2
    variance = pi * (s1**2 + m1**2) + (1 - pi) * (s2**2 + m2**2) - mean**2
    return vstack(mean, log(variance) / 2)


PROBLEM = Problem(
    id="forward-reverse-kl",
    title="Forward vs reverse KL: fitting a Gaussian to a two-mode distribution",
    source=Source("001_971515a154971c79.txt", "P4"),
    statement=(
        r"For a fixed $P$, $D_{KL}(P\|Q)$ is the forward and $D_{KL}(Q\|P)$ the reverse KL; "
        r"only the mean and standard deviation of a Gaussian $Q$ vary. Which fit minimises "
        r"which? The seed's figure is not in its text: following its description, fit A "
        r"sits between the modes of $P$ and fit B on one mode. Concretely "
        r"$P=\tfrac12\mathcal N(-3,1)+\tfrac12\mathcal N(3,1)$, $A=\mathcal N(0,10)$ (P's mean "
        r"and variance), $B=\mathcal N(3,1)$; and in general the forward-KL minimiser."
    ),
    givens=(
        Given("pi", (), UNIT, r"\pi", "weight of the first mode"),
        Given("m1", (), latex="m_1"),
        Given("m2", (), latex="m_2"),
        Given("s1", (), POSITIVE, "s_1"),
        Given("s2", (), POSITIVE, "s_2"),
        Given("theta", (2, 1), latex=r"(\mu, \log s)"),
    ),
    parts=(
        Optimum(
            name="forward-kl-minimiser",
            derivation=(
                r"D_{KL}(P\|Q) &= -H(P)+E_P[-\log Q] = \text{const}+\log "
                r"s+\frac{E_P[(x-\mu)^2]}{2s^2}",
                r"\partial_\mu:\ \frac{E_P[x]-\mu}{s^2} = 0 &\Rightarrow \mu = E_P[x] = \pi "
                r"m_1+(1-\pi)m_2",
                r"\partial_{\log s}:\ 1-\frac{E_P[(x-\mu)^2]}{s^2} = 0 &\Rightarrow s^2 = "
                r"\operatorname{Var}_P[x]",
                r"\operatorname{Var}_P[x] &= \pi(s_1^2+m_1^2)+(1-\pi)(s_2^2+m_2^2)-\mu^2",
            ),
            asks=r"$\arg\min_{\mu,\log s} D_{KL}(P\|\mathcal N(\mu,s^2))$ for a two-component "
                 r"Gaussian mixture $P$",
            of=cross_entropy,
            wrt="theta",
            sense="min",
            answer=moment_match,
            answer_latex=r"\mu=\pi m_1+(1-\pi)m_2,\ \log s=\tfrac12\log v\text{ where }v=\pi s_1^2+"
                         r"(1-\pi)s_2^2+\pi(1-\pi)(m_1-m_2)^2\ \text{(moment matching: }\mu=E_P[x],"
                         r"\ s^2=v=\mathrm{Var}_P[x]\text{, between the modes, covering both)}",
            claim=Claim(r"looking at A, we see that this corresponds to minimizing forward-KL "
                        r"D_{KL}(P \parallel Q) because the Q is strongly trying to avoid being "
                        r"small where P is large and trying to strike an 'average' type balance "
                        r"between the two modes of P", moment_match, section="P4.2"),
            notes="The claim is read as: the forward-KL fit is P's average (its mean and "
                  "variance).",
            wrong=(Wrong("unweighted mean of the modes", lambda pi, m1, m2, s1, s2: vstack(
                       (m1 + m2) / 2, moment_match(pi, m1, m2, s1, s2)[1, 0])),
                   Wrong("variance without the spread of the means",
                         lambda pi, m1, m2, s1, s2: vstack(
                             pi * m1 + (1 - pi) * m2, log(pi * s1**2 + (1 - pi) * s2**2) / 2))),
        ),
        Equation(
            name="which-fit-minimises",
            derivation=(
                r"D_{KL}(P\|A) &\approx 0.46 < D_{KL}(P\|B)\approx 8.31\ \text{(B misses the mode "
                r"at }-3)\ \Rightarrow\ \text{forward: A}",
                r"D_{KL}(B\|P) &\approx \log2\approx 0.69 < D_{KL}(A\|P)\approx 0.94\ \text{(A "
                r"puts mass between the modes)}\ \Rightarrow\ \text{reverse: B}",
            ),
            asks=r"For the example: which fit has the smaller forward KL, and which the smaller "
                 r"reverse KL? (+1 A, -1 B)",
            lhs=preferred,
            rhs=lambda: vstack(1, -1),
            answer_latex=r"\text{forward: A } (0.46 \text{ vs } 8.31);\ \text{reverse: B } "
                         r"(0.69 \text{ vs } 0.94)",
            claim=Claim(r"B corresponds to minimizing reverse-KL. Meanwhile, looking at A, we see "
                        r"that this corresponds to minimizing forward-KL D_{KL}(P \parallel Q)",
                        lambda: vstack(1, -1), section="P4.2"),
            wrong=(Wrong("A for both", lambda: vstack(1, 1)),),
        ),
    ),
    prose=(
        Claim(r"Q is extremely tiny in some places where P is big - this would make the "
              r"forward-KL D_{KL}(P \parallel Q) enormous", section="P4.2",
              reason="refers to the seed's figure 2, which is not in its text; for the "
                     "one-mode example fit the forward KL is 8.31 against 0.46 (part "
                     "which-fit-minimises)"),
    ),
)
