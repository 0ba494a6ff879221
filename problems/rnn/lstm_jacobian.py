"""Seed 002 §13: does dc_t/dc_{t-1} equal the forget gate? Only with h_{t-1} held fixed."""

from derivekit.model import UNIT, Claim, Derivative, Given, Problem, Source, Wrong
from derivekit.ops import diag, sigmoid, tanh

WEIGHTS = ("W_f", "W_i", "W_o", "W_c", "U_f", "U_i", "U_o", "U_c", "b_f", "b_i", "b_o", "b_c")


def gates(x, h, p):
    """Forget, input, output gates and candidate cell for input x and previous hidden h.

    ``p`` maps the WEIGHTS names to values (the functions below take every given as **p and
    read only the weights from it).
    """
    f = sigmoid(p["W_f"] @ x + p["U_f"] @ h + p["b_f"])
    i = sigmoid(p["W_i"] @ x + p["U_i"] @ h + p["b_i"])
    o = sigmoid(p["W_o"] @ x + p["U_o"] @ h + p["b_o"])
    g = tanh(p["W_c"] @ x + p["U_c"] @ h + p["b_c"])
    return f, i, o, g


def cell(x, h_prev, c_prev, **p):
    f, i, _, g = gates(x, h_prev, p)
    return f * c_prev + i * g


def gate(name, activation="sigmoid", h="h_prev"):
    """A gate's pre-activation and activation in derivekit's notation."""
    return f"{activation}(W_{name} @ x + U_{name} @ {h} + b_{name})"


CELL = f"{gate('f')} .* c_prev + {gate('i')} .* {gate('c', 'tanh')}"
"""``cell`` in derivekit's notation (the matrix deriver derives the Jacobians from these)."""
THROUGH_HIDDEN = CELL.replace("h_prev", "(o_prev .* tanh(c_prev))")
HIDDEN = f"{gate('o')} .* tanh({CELL})"


def weights(p):
    return {name: p[name] for name in WEIGHTS}


def cell_through_hidden(x, c_prev, o_prev, **p):
    """c_t with h_{t-1} = o_{t-1} ⊙ tanh(c_{t-1}) also depending on c_{t-1}."""
    return cell(x, o_prev * tanh(c_prev), c_prev, **weights(p))


def hidden(x, h_prev, c_prev, **p):
    _, _, o, _ = gates(x, h_prev, p)
    return o * tanh(cell(x, h_prev, c_prev, **p))


def dc_dh(x, h_prev, c_prev, p):
    """∂c_t/∂h_{t-1} (numerator layout): one term per gate that reads h_{t-1}."""
    f, i, _, g = gates(x, h_prev, p)
    return (diag(c_prev * f * (1 - f)) @ p["U_f"] + diag(g * i * (1 - i)) @ p["U_i"]
            + diag(i * (1 - g**2)) @ p["U_c"])


def total_dc_dcprev(x, c_prev, o_prev, **p):
    h_prev = o_prev * tanh(c_prev)
    f, _, _, _ = gates(x, h_prev, p)
    dh_dc = diag(o_prev * (1 - tanh(c_prev) ** 2))
    return diag(f) + dc_dh(x, h_prev, c_prev, p) @ dh_dc


def dh_dhprev(x, h_prev, c_prev, **p):
    _, _, o, _ = gates(x, h_prev, p)
    c = cell(x, h_prev, c_prev, **p)
    return (diag(tanh(c) * o * (1 - o)) @ p["U_o"]
            + diag(o * (1 - tanh(c) ** 2)) @ dc_dh(x, h_prev, c_prev, p))


def forget_gate_diag(x, h_prev, **p):
    return diag(gates(x, h_prev, p)[0])


def forget_gate_diag_through_hidden(x, c_prev, o_prev, **p):
    return diag(gates(x, o_prev * tanh(c_prev), p)[0])


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
            of=cell,
            expression=CELL,
            wrt="c_prev",
            layout="numerator",
            answer=forget_gate_diag,
            answer_latex=r"\operatorname{diag}(f_t)",
            wrong=(Wrong("identity (no forget gate)", lambda c_prev: diag(1 + 0 * c_prev)),
                   Wrong("the vector f_t, not diag(f_t)",
                         lambda x, h_prev, **p: gates(x, h_prev, p)[0])),
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
            of=cell_through_hidden,
            expression=THROUGH_HIDDEN,
            wrt="c_prev",
            layout="numerator",
            answer=total_dc_dcprev,
            answer_latex=(
                r"\operatorname{diag}(f_t)+\big[\operatorname{diag}(c_{t-1}\odot f_t\odot(1-f_t))"
                r"U_f+\operatorname{diag}(\tilde c_t\odot i_t\odot(1-i_t))U_i+\operatorname{diag}"
                r"(i_t\odot(1-\tilde c_t^2))U_c\big]\operatorname{diag}(o_{t-1}\odot(1-"
                r"\tanh^2 c_{t-1}))"),
            claim=Claim(r"f(t), since f, i and \tilde c do not depend on c(t-1): the gradient "
                        r"does not vanish over time", forget_gate_diag_through_hidden,
                        holds_in="dc-dcprev-fixed-h", holds_value=forget_gate_diag,
                        condition="h_{t-1} is held fixed (a partial, not the total, derivative)"),
            wrong=(Wrong("only diag(f_t): the seed's answer, path through h dropped",
                         forget_gate_diag_through_hidden),),
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
            of=hidden,
            expression=HIDDEN,
            wrt="h_prev",
            layout="numerator",
            answer=dh_dhprev,
            answer_latex=(
                r"\operatorname{diag}(\tanh(c_t)\odot o_t\odot(1-o_t))U_o+\operatorname{diag}"
                r"(o_t\odot(1-\tanh^2c_t))\,\frac{\partial c_t}{\partial h_{t-1}}"),
            wrong=(Wrong("dropped the output-gate term", lambda x, h_prev, c_prev, **p: diag(
                       gates(x, h_prev, p)[2] * (1 - tanh(cell(x, h_prev, c_prev, **p)) ** 2))
                       @ dc_dh(x, h_prev, c_prev, p)),
                   Wrong("denominator layout (transposed)",
                         lambda x, h_prev, c_prev, **p: dh_dhprev(x, h_prev, c_prev, **p).T)),
        ),
    ),
)
