"""Seed 004 §2.1: the computation graph of two regularised GD steps and the gradient of the
final loss with respect to the learning rate, back-propagated by hand through that graph."""

from derivekit.model import POSITIVE, Claim, Derivative, Given, Problem, Source, Wrong

GRADIENT = "2 / n * X.T @ (X @ {w} - t) + 2 * lam * {w}"
"""∇L̃(w) = (2/n) Xᵀ(Xw − t) + 2λw, at the iterate named ``w``."""


PROBLEM = Problem(
    id="hypergradient-two-gd-steps",
    title="Hyper-gradient of the loss after two GD steps with respect to the learning rate",
    source=Source("004_19698b34fe55bc49.txt", "2.1"),
    statement=(
        r"$\tilde{\mathcal L}=\frac1n\|X\mathbf w-\mathbf t\|_2^2+\lambda\|\mathbf w\|_2^2$; two GD "
        r"steps $\mathbf w_{k+1}=\mathbf w_k-\eta\nabla_{\mathbf w_k}\tilde{\mathcal L}_k$ from "
        r"$\mathbf w_0$. Draw the computation graph of $\tilde{\mathcal L}_2$ and back-propagate "
        r"through it to get $\partial\tilde{\mathcal L}_2/\partial\eta$; give the memory cost of "
        r"the forward pass and of back-propagation for $t$ steps."
    ),
    givens=(
        Given("X", ("n", "d"), latex="X"),
        Given("w0", ("d", 1), latex=r"\mathbf w_0"),
        Given("t", ("n", 1), latex=r"\mathbf t"),
        Given("lam", (), POSITIVE, r"\lambda"),
        Given("eta", (), POSITIVE, r"\eta"),
        Given("g0", ("d", 1), latex=r"\nabla\tilde{\mathcal L}_0",
              definition=GRADIENT.format(w="w0")),
        Given("w1", ("d", 1), latex=r"\mathbf w_1", definition="w0 - eta * g0"),
        Given("g1", ("d", 1), latex=r"\nabla\tilde{\mathcal L}_1",
              definition=GRADIENT.format(w="w1")),
        Given("w2", ("d", 1), latex=r"\mathbf w_2", definition="w1 - eta * g1"),
        Given("g2", ("d", 1), latex=r"\nabla\tilde{\mathcal L}_2",
              definition=GRADIENT.format(w="w2")),
    ),
    shapes=({"n": 3, "d": 2}, {"n": 2, "d": 3}, {"n": 4, "d": 3}),
    parts=(
        Derivative(
            name="dloss-deta",
            derivation=(
                r"\nabla\tilde{\mathcal L}(\mathbf w) &= \tfrac2nX^T(X\mathbf w-\mathbf "
                r"t)+2\lambda\mathbf w,\qquad \frac{\partial\nabla\tilde{\mathcal "
                r"L}}{\partial\mathbf w} = H = \tfrac2nX^TX+2\lambda I",
                r"\frac{\partial\mathbf w_1}{\partial\eta} &= -\nabla\tilde{\mathcal L}_0",
                r"\frac{\partial\mathbf w_2}{\partial\eta} &= \frac{\partial\mathbf "
                r"w_1}{\partial\eta}-\eta H\frac{\partial\mathbf "
                r"w_1}{\partial\eta}-\nabla\tilde{\mathcal L}_1 = -(I-\eta "
                r"H)\nabla\tilde{\mathcal L}_0-\nabla\tilde{\mathcal L}_1",
                r"\frac{\partial\tilde{\mathcal L}_2}{\partial\eta} &= \nabla\tilde{\mathcal "
                r"L}_2^T\,\frac{\partial\mathbf w_2}{\partial\eta}",
            ),
            asks=r"$\partial\tilde{\mathcal L}_2/\partial\eta$ by back-propagation through the "
                 r"graph",
            expression="sqnorm(X @ w2 - t) / n + lam * sqnorm(w2)", wrt="eta",
            answer="g2.T @ (-(I_d - eta * (2 / n * X.T @ X + 2 * lam * I_d)) @ g0 - g1)",
            answer_latex=r"\nabla\tilde{\mathcal L}_2^T\Big(-(I-\eta H)\nabla\tilde{\mathcal L}_0-"
                         r"\nabla\tilde{\mathcal L}_1\Big),\ H=\tfrac2nX^TX+2\lambda I",
            notes="Back-propagation must keep w0, w1 (and their gradients) from the forward pass: "
                  "O(t) memory for t steps, while the forward pass alone can overwrite w and "
                  "needs O(1) in t.",
            wrong=(Wrong("w1 treated as a constant (only the last step's eta)",
                         "-g2.T @ g1"),),
        ),
    ),
    prose=(
        Claim("The memory complexity for the forward propagation is O(td), since we need to "
              "store the weights w_0, w_1, ..., w_t ... Additionally, we need to store the "
              "intermediate computations ... which requires O(tdn) memory.",
              section="2.1.2 (Modified Output)",
              reason="a complexity statement, no value: the forward pass alone can overwrite "
                     "w_k, so its memory is O(1) in t (O(d) in d); storing every w_k is what "
                     "back-propagation needs (see the notes of dloss-deta)"),
        Claim("The memory complexity for the standard backpropagation to compute grad_eta L_t is "
              "O(td) ... Therefore, the total memory required for backpropagation is O(td^2).",
              section="2.1.2 (Modified Output)",
              reason="a complexity statement: O(t) in t is right (every w_k, grad L_k is kept), "
                     "but the answer contradicts itself (O(td), then O(td^2))"),
    ),
)
