"""Seed 002 §13: does dc_t/dc_{t-1} equal the forget gate? Only with h_{t-1} held fixed."""

from derivekit.model import UNIT, Claim, Derivative, Given, Problem, Source, Wrong

WEIGHTS = ("W_f", "W_i", "W_o", "W_c", "U_f", "U_i", "U_o", "U_c", "b_f", "b_i", "b_o", "b_c")


def gate(name, activation="sigmoid", h="h_prev"):
    """A gate's activation in derivekit's notation, reading the previous hidden state h."""
    return f"{activation}(W_{name} @ x + U_{name} @ {h} + b_{name})"


H_FROM_C = "(o_prev .* tanh(c_prev))"
"""h_{t-1} = o_{t-1} ⊙ tanh(c_{t-1}): the path through which c_{t-1} also reaches the gates."""
THROUGH_HIDDEN = f"{gate('f', h=H_FROM_C)} .* c_prev + {gate('i', h=H_FROM_C)} .* " \
                 f"{gate('c', 'tanh', h=H_FROM_C)}"
DC_DH = "diag(c_prev .* f .* (1 - f)) @ U_f + diag(g .* i .* (1 - i)) @ U_i + " \
        "diag(i .* (1 - g^2)) @ U_c"
"""∂c_t/∂h_{t-1} (numerator layout), for the wrong answers of ∂h_t/∂h_{t-1}."""


def _weight(name):
    dims = ("d", "p") if name.startswith("W") else ("d", "d") if name.startswith("U") else ("d", 1)
    return Given(name, dims, latex=name.replace("_", "_{") + "}")


PROBLEM = Problem(
    id="lstm-jacobian",
    title="LSTM cell: gradient flow through the cell state",
    source=Source("002_a2d52afd229cfba6.txt", "13"),
    statement=(
        r"An LSTM cell computes $f_t=\sigma(W_fx_t+U_fh_{t-1}+b_f)$, $i_t$, $o_t$ likewise, "
        r"$\tilde c_t=\tanh(W_cx_t+U_ch_{t-1}+b_c)$, $c_t=f_t\odot c_{t-1}+i_t\odot\tilde c_t$ "
        r"and $h_t=o_t\odot\tanh(c_t)$. Find $\partial c_t/\partial c_{t-1}$ holding "
        r"$h_{t-1}$ fixed, the total derivative when $h_{t-1}=o_{t-1}\odot\tanh(c_{t-1})$ also "
        r"depends on $c_{t-1}$, and $\partial h_t/\partial h_{t-1}$ (numerator layout: rows "
        r"index the output)."
    ),
    givens=(
        Given("x", ("p", 1), latex="x_t"),
        Given("h_prev", ("d", 1), latex="h_{t-1}"),
        Given("c_prev", ("d", 1), latex="c_{t-1}"),
        Given("o_prev", ("d", 1), UNIT, "o_{t-1}"),
        *(_weight(name) for name in WEIGHTS),
        Given("f", ("d", 1), latex="f_t", definition=gate("f")),
        Given("i", ("d", 1), latex="i_t", definition=gate("i")),
        Given("o", ("d", 1), latex="o_t", definition=gate("o")),
        Given("g", ("d", 1), latex=r"\tilde c_t", definition=gate("c", "tanh")),
        Given("c", ("d", 1), latex="c_t", definition="f .* c_prev + i .* g"),
        Given("h", ("d", 1), latex="h_t", definition="o .* tanh(c)"),
    ),
    shapes=({"d": 3, "p": 2}, {"d": 4, "p": 3}, {"d": 5, "p": 1}),
    parts=(
        Derivative(
            name="dc-dcprev-fixed-h",
            derivation=(
                r"c_t &= f_t\odot c_{t-1}+i_t\odot\tilde c_t,\quad f_t,\,i_t,\,\tilde c_t \text{ "
                r"read } h_{t-1},\,x_t \text{ only}",
                r"\frac{\partial c_t}{\partial c_{t-1}}\Big|_{h_{t-1}} &= \operatorname{diag}(f_t)",
            ),
            asks=r"$\partial c_t/\partial c_{t-1}$ with $h_{t-1}$ held fixed",
            expression="c", wrt="c_prev", layout="numerator",
            answer_latex=r"\operatorname{diag}(f_t)",
            wrong=(Wrong("identity (no forget gate)", "I_d"),
                   Wrong("the vector f_t, not diag(f_t)", "f")),
        ),
        Derivative(
            name="dc-dcprev-total",
            derivation=(
                r"\frac{dc_t}{dc_{t-1}} &= \frac{\partial c_t}{\partial c_{t-1}}+\frac{\partial "
                r"c_t}{\partial h_{t-1}}\frac{\partial h_{t-1}}{\partial c_{t-1}}",
                r"\frac{\partial c_t}{\partial h_{t-1}} &= \operatorname{diag}(c_{t-1}\odot "
                r"f_t\odot(1-f_t))U_f+\operatorname{diag}(\tilde c_t\odot "
                r"i_t\odot(1-i_t))U_i+\operatorname{diag}(i_t\odot(1-\tilde c_t^2))U_c",
                r"\frac{\partial h_{t-1}}{\partial c_{t-1}} &= "
                r"\operatorname{diag}\big(o_{t-1}\odot(1-\tanh^2c_{t-1})\big)",
            ),
            asks=r"$dc_t/dc_{t-1}$ including the path through $h_{t-1}=o_{t-1}\odot"
                 r"\tanh(c_{t-1})$",
            expression=THROUGH_HIDDEN, wrt="c_prev", layout="numerator",
            answer_latex=(
                r"\operatorname{diag}(f_t)+\big[\operatorname{diag}(c_{t-1}\odot f_t\odot(1-f_t))"
                r"U_f+\operatorname{diag}(\tilde c_t\odot i_t\odot(1-i_t))U_i+\operatorname{diag}"
                r"(i_t\odot(1-\tilde c_t^2))U_c\big]\operatorname{diag}(o_{t-1}\odot(1-"
                r"\tanh^2 c_{t-1}))"),
            claim=Claim(r"f(t), since f, i and \tilde c do not depend on c(t-1): the gradient "
                        r"does not vanish over time", f"diag({gate('f', h=H_FROM_C)})",
                        holds_in="dc-dcprev-fixed-h", holds_value="diag(f)",
                        condition="h_{t-1} is held fixed (a partial, not the total, derivative)"),
            wrong=(Wrong("only diag(f_t): the seed's answer, path through h dropped",
                         f"diag({gate('f', h=H_FROM_C)})"),),
        ),
        Derivative(
            name="dh-dhprev",
            derivation=(
                r"h_t &= o_t\odot\tanh(c_t),\quad \frac{\partial o_t}{\partial "
                r"h_{t-1}}=\operatorname{diag}(o_t\odot(1-o_t))U_o",
                r"\frac{\partial h_t}{\partial h_{t-1}} &= \operatorname{diag}(\tanh "
                r"c_t)\frac{\partial o_t}{\partial "
                r"h_{t-1}}+\operatorname{diag}\big(o_t\odot(1-\tanh^2c_t)\big)\frac{\partial "
                r"c_t}{\partial h_{t-1}}",
            ),
            asks=r"$\partial h_t/\partial h_{t-1}$ with $c_{t-1}$ held fixed",
            expression="h", wrt="h_prev", layout="numerator",
            answer_latex=(
                r"\operatorname{diag}(\tanh(c_t)\odot o_t\odot(1-o_t))U_o+\operatorname{diag}"
                r"(o_t\odot(1-\tanh^2c_t))\big[\operatorname{diag}(c_{t-1}\odot f_t\odot(1-f_t))"
                r"U_f+\operatorname{diag}(\tilde c_t\odot i_t\odot(1-i_t))U_i+\operatorname{diag}"
                r"(i_t\odot(1-\tilde c_t^2))U_c\big]"),
            wrong=(Wrong("dropped the output-gate term",
                         f"diag(o .* (1 - tanh(c)^2)) @ ({DC_DH})"),
                   Wrong("diag(tanh' o) from the wrong side: U_o diag(…)",
                         f"U_o @ diag(tanh(c) .* o .* (1 - o)) + diag(o .* (1 - tanh(c)^2)) @ "
                         f"({DC_DH})")),
        ),
    ),
)
