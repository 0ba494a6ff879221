"""Seed 002 §15: the GAN minimax game on a finite sample space: D*, C(G), who moves where."""

from derivekit.model import SIMPLEX, UNIT, Claim, Derivative, Equation, Given, Optimum, Problem, \
    Source, Wrong, interval
from derivekit.ops import log, total, vstack


def game_value(p_data, p_g, D):
    """V(D, G) = sum_x p_data(x) log D(x) + p_g(x) log(1 - D(x))."""
    return total(p_data * log(D)) + total(p_g * log(1 - D))


def generator_distribution(q):
    """p_g from its first s-1 probabilities (the generator's free parameters)."""
    return vstack(q, 1 - total(q))


def optimal_discriminator(p_data, p_g):
    return p_data / (p_data + p_g)


def entropy(p):
    return -total(p * log(p))


def criterion(p_data, q):
    """C(G) = max_D V(D, G) = V(D*, G)."""
    p_g = generator_distribution(q)
    return game_value(p_data, p_g, optimal_discriminator(p_data, p_g))


PROBLEM = Problem(
    id="gan-minimax-theory",
    title="GANs as a minimax game: optimal discriminator and the generator's criterion",
    source=Source("002_a2d52afd229cfba6.txt", "15"),
    statement=(
        r"$V(D,G)=\mathbb E_{x\sim p_{data}}[\log D(x)]+\mathbb E_{z\sim p_z}[\log(1-D(G(z)))]$. "
        r"On a finite sample space, $p_{data}$ and $p_g$ are probability vectors and $D\in(0,1)^s$; "
        r"the generator's parameters are the first $s-1$ entries $q$ of $p_g$. Who maximises, "
        r"who minimises; the optimal discriminator (calculus of variations: stationarity of the "
        r"integrand in $D(x)$); $C(G)=\max_DV$ and its minimiser; which terms of $V$ the "
        r"generator's gradient sees."
    ),
    givens=(
        Given("p_data", ("s", 1), SIMPLEX, r"p_{data}"),
        Given("p_g", ("s", 1), SIMPLEX, r"p_g"),
        Given("D", ("s", 1), UNIT, "D"),
        Given("q", ("s1", 1), interval(0.0, 0.3), "q", "free generator probabilities"),
    ),
    shapes=({"s": 2, "s1": 1}, {"s": 3, "s1": 2}, {"s": 4, "s1": 3}),
    parts=(
        Derivative(
            name="stationarity",
            derivation=(
                r"V &= \textstyle\sum_x p_{data}(x)\log D(x)+p_g(x)\log\big(1-D(x)\big)",
                r"\frac{\partial V}{\partial D(x)} &= "
                r"\frac{p_{data}(x)}{D(x)}-\frac{p_g(x)}{1-D(x)}",
            ),
            asks=r"$\partial V/\partial D(x)$, the condition the calculus of variations sets to 0",
            expression="sum(p_data .* log(D)) + sum(p_g .* log(1 - D))", wrt="D",
            answer_latex=r"\frac{p_{data}(x)}{D(x)}-\frac{p_g(x)}{1-D(x)}",
            claim=Claim(r"\frac{\partial}{\partial D} (\log D(x) + \log(1 - D(G(z)))) = 0",
                        "1 / D - 1 / (1 - D)", section="15.1.3"),
            notes="Without the densities the stationarity condition gives D = 1/2 everywhere, "
                  "not the D* the seed then states.",
            wrong=(Wrong("densities dropped (the seed's step)", "1 / D - 1 / (1 - D)"),
                   Wrong("+ instead of -", "p_data / D + p_g / (1 - D)")),
        ),
        Optimum(
            name="optimal-discriminator",
            derivation=(
                r"\frac{p_{data}(x)}{D}-\frac{p_g(x)}{1-D} &= 0 \;\Rightarrow\; "
                r"p_{data}(x)\,(1-D) = p_g(x)\,D",
                r"D^*(x) &= \frac{p_{data}(x)}{p_{data}(x)+p_g(x)},\quad "
                r"\frac{\partial^2V}{\partial D(x)^2} = -\frac{p_{data}}{D^2}-\frac{p_g}{(1-D)^2} "
                r"< 0",
            ),
            asks=r"The discriminator's best response: $\arg\max_DV(D,G)$",
            of=game_value,
            wrt="D",
            sense="max",
            answer=optimal_discriminator,
            answer_latex=r"D^*(x)=\frac{p_{data}(x)}{p_{data}(x)+p_g(x)}",
            claim=Claim(r"D^*(x) = \frac{p_{\text{data}}(x)}{p_{\text{data}}(x) + p_G(x)}",
                        optimal_discriminator, section="15.1.3"),
            wrong=(Wrong("1/2: the root of the density-free condition",
                         lambda p_data: 0 * p_data + 0.5),
                   Wrong("p_g / (p_data + p_g)", lambda p_data, p_g: p_g / (p_data + p_g))),
        ),
        Equation(
            name="virtual-criterion",
            derivation=(
                r"C(G) &= \textstyle\sum_x p_{data}\log\frac{p_{data}}{p_{data}+p_g}+ "
                r"p_g\log\frac{p_g}{p_{data}+p_g}",
                r"&= -\log4+\mathrm{KL}\big(p_{data}\,\|\,m\big)+\mathrm{KL}\big(p_g\,\|\,m\big), "
                r"\quad m = \tfrac12(p_{data}+p_g)",
                r"&= -\log4+2H(m)-H(p_{data})-H(p_g) = -\log4+2\,\mathrm{JSD}",
            ),
            asks=r"$C(G)=V(D^*,G)$ in terms of the Jensen-Shannon divergence (entropy form)",
            lhs=lambda p_data, p_g: game_value(p_data, p_g, optimal_discriminator(p_data, p_g)),
            rhs=lambda p_data, p_g: -log(4) + 2 * (entropy((p_data + p_g) / 2)
                                                   - (entropy(p_data) + entropy(p_g)) / 2),
            answer_latex=r"-\log4+2\,\mathrm{JSD},\ \mathrm{JSD}=H\!\left(\tfrac{p_{data}+p_g}{2}"
                         r"\right)-\tfrac12H(p_{data})-\tfrac12H(p_g)",
            wrong=(Wrong("one JSD, not two", lambda p_data, p_g: -log(4) + entropy(
                       (p_data + p_g) / 2) - (entropy(p_data) + entropy(p_g)) / 2),),
        ),
        Optimum(
            name="generator-minimises",
            derivation=(
                r"C(G) &= -\log4+2\,\mathrm{JSD}(p_{data}\,\|\,p_g),\quad \mathrm{JSD} \ge 0",
                r"\mathrm{JSD} = 0 &\iff p_g = p_{data} \;\Rightarrow\; \min_G C(G) = -\log4",
            ),
            asks=r"The generator minimises $C(G)$: its minimiser over $p_g$",
            of=criterion,
            wrt="q",
            sense="min",
            answer=lambda p_data: p_data[:-1, :],
            answer_latex=r"p_g=p_{data}\ (C=-\log4,\ \mathrm{JSD}=0)",
            claim=Claim(r"\min_G \max_D \mathbb{E}_{x \sim p_{\text{data}}} [\log D(x)] + "
                        r"\mathbb{E}_{z \sim p_z} [\log(1 - D(G(z)))]", "min", field="sense",
                        section="15.1.1"),
            wrong=(Wrong("uniform p_g", lambda p_data: 0 * p_data[:-1, :] + 1 / p_data.shape[0]),),
        ),
        Derivative(
            name="generator-gradient",
            derivation=(
                r"V &= \textstyle\sum_x p_{data}\log D+\sum_{i<s}q_i\log\big(1-D(x_i)\big)+ "
                r"\big(1-\sum_{i<s}q_i\big)\log\big(1-D(x_s)\big)",
                r"\frac{\partial V}{\partial q_i} &= "
                r"0+\log\big(1-D(x_i)\big)-\log\big(1-D(x_s)\big) \quad\text{(the data term has "
                r"no } q)",
            ),
            asks=r"$\partial V/\partial q$ with $D$ fixed (the generator's update)",
            expression="sum(p_data .* log(D)) + sum_{i=1}^{s1} q_i * log(1 - D_i) "
                       "+ (1 - sum(q)) * log(1 - D_s)", wrt="q",
            answer_latex=r"\log(1-D(x_i))-\log(1-D(x_s)),\ i<s\ "
                         r"\text{(the data term contributes nothing)}",
            claim=Claim(r"The first term \mathbb{E}_{x \sim p_{\text{data}}} [\log D(x)] is "
                        r"independent of \theta_G: when updating the generator only "
                        r"\mathbb{E}_{z \sim p_z} [\log(1 - D(G(z)))] is affected",
                        "log(1 - D[:-1]) - log(1 - D_s)", section="15.2.1"),
            wrong=(Wrong("the data term's log D instead", "log(D[:-1]) - log(D_s)"),
                   Wrong("last outcome's term dropped", "log(1 - D[:-1])")),
        ),
    ),
    prose=(
        Claim(r"Players: generator and discriminator; the discriminator outputs the probability "
              r"that x is real; the generator aims to fool it, effectively maximizing "
              r"\mathbb{E}_{z}[\log D(G(z))]", section="15.1.1",
              reason="a description of the game; maximising E log D(G(z)) is the non-saturating "
                     "heuristic, a different objective with the same fixed point, not a value"),
        Claim(r"Update \theta_D to maximize u_G and \theta_G to minimize u_G (while explaining "
              r"\max_{\theta_G} \min_{\theta_D} u_G)", section="15.1.2",
              reason="describes alternating training; the order of max/min it explains is the "
                     "question's, and part generator-minimises checks who minimises"),
        Claim(r"This asymmetry can lead to unstable training", section="15.2.1",
              reason="qualitative statement about training dynamics"),
        Claim(r"Mode collapse: the generator produces a limited variety of samples, failing to "
              r"capture the full data distribution", section="15.2.2",
              reason="a description of a failure mode, no checkable value"),
        Claim(r"The Wasserstein distance is meaningful and smooth even for non-overlapping "
              r"distributions, gives gradients everywhere, better mode coverage and more stable "
              r"convergence than the original GAN", section="15.2.3",
              reason="qualitative; the point-mass example (W = |theta| while JSD = log 2 for every "
                     "theta != 0) is standard but the seed states no formula to check"),
    ),
)
