"""Seed 000 §2.2 item 4: the CIFAR LeNet with 3x3 instead of 5x5 convolutions (plus the
seed's prose claims of §1.3, §2.2, §2.4, §3.1, §3.4 and §4.3)."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong, integers
from derivekit.ops import SymbolicUnsupported, backend, step, vstack

MAX_STARTS = 64
"""More window starts than any sampled size can hold (sizes stay below 47)."""


def slide(size, kernel, pad, stride):
    """Output length found by sliding: count the starts j*stride (j = 0, 1, ...) at which the
    kernel still fits inside the padded input. With symbolic sizes the sum is a pile of
    Piecewise terms SymPy cannot reduce: refuse at once and let the numbers decide."""
    if all(isinstance(v, int) for v in (size, kernel, pad, stride)):
        return sum(1 for j in range(MAX_STARTS) if j * stride + kernel <= size + 2 * pad)
    if backend(size, kernel, pad, stride) == "symbolic":
        raise SymbolicUnsupported("counting window positions needs numeric sizes")
    return sum(step(2 * (size + 2 * pad - kernel - j * stride) + 1) for j in range(MAX_STARTS))


def floor_formula(w, k, pad, s):
    return (w - k + 2 * pad) // s + 1


def seed_formula(w, k, pad, s):
    """The seed's size formula, with exact division."""
    return (w - k + 2 * pad) / s + 1


def sign(d):
    """+1, 0 or -1 for an integer d."""
    return step(2 * d - 1) - step(-2 * d - 1)


def lenet_sizes(k):
    """Spatial sizes after conv(k) -> pool(2, 2) -> conv(k) -> pool(2, 2) on 32x32, then the
    flattened length with 16 channels."""
    c1 = slide(32, k, 0, 1)
    p1 = slide(c1, 2, 0, 2)
    c2 = slide(p1, k, 0, 1)
    p2 = slide(c2, 2, 0, 2)
    return vstack(c1, p1, c2, p2, 16 * p2 * p2)


def receptive_field(k):
    """Input pixels (per axis) seen by one pixel after the second pool: walk the span of
    input indices back through pool, conv, pool, conv."""
    lo, hi = 0, 0
    for kernel, stride in ((2, 2), (k, 1), (2, 2), (k, 1)):
        lo, hi = lo * stride, hi * stride + kernel - 1
    return hi - lo + 1


def restoring_choice(w, exact):
    """Smallest stride (then padding) with which a 3x3 conv on a w-wide input gives the 5x5
    conv's output size w - 4, or None; ``exact``: the seed's formula must divide exactly."""
    for s in range(1, 6):
        for p in range(40):
            fits = not exact or (w - 3 + 2 * p) % s == 0
            if fits and (w - 3 + 2 * p) // s + 1 == w - 4:
                return [s, p]
    return None


def restoring_choices(exact):
    """Choices for conv1 (input 32) and conv2 (input 14), flattened: s1, p1, s2, p2."""
    return [v for w in (32, 14) for v in restoring_choice(w, exact)]


def restorable():
    """1 when both convolutions have an integer (stride, padding) under the seed's formula."""
    return 1 if all(restoring_choice(w, True) for w in (32, 14)) else 0


PROSE = (
    Claim("1. IMPROVE: Use more training data ... the model can generalize better",
          section="1.3", reason="advice about generalisation in a hypothetical training run; "
          "no closed form to check (standard and reasonable)"),
    Claim("2. IMPROVE: add L2 regularization ... enforces original loss to not converge to 0",
          section="1.3", reason="advice about overfitting; no closed form to check"),
    Claim("3. DOES NOT IMPROVE: Increase your model size ... potential to increase overfitting",
          section="1.3", reason="advice about overfitting; no closed form to check"),
    Claim("4. IMPROVE: Create validation set ... tune the hyperparameters of the model with "
          "validation dataset", section="1.3",
          reason="advice about model selection; no closed form to check"),
    Claim("Architecture: conv(3->6, k=5) ReLU, max pool 2x2 stride 2, conv(6->16, k=5) ReLU, "
          "FC 16x5x5->120 ReLU, FC 120->84 ReLU, FC 84->10 with ReLU then softmax",
          section="2.2.1", reason="describes the notebook's code, which the seed does not "
          "include; the 16x5x5 flatten size is checked in part flatten-size-k5"),
    Claim("Padding controls the amount of padding applied to the input ... input size "
          "increases by 2 x padding for each dimension", section="2.2.2",
          reason="definition of the padding parameter (consistent with part conv-output-size)"),
    Claim("Max pool ... kernel takes maximum of the all numbers seen by the kernel",
          section="2.2.3", reason="explanation of the layer, no value to check"),
    Claim("We do not need to compute additional gradients for max pooling layer since it "
          "does not have any learnable parameters", section="2.2.5",
          reason="explanation; note that backpropagation still routes the gradient through "
          "the max-pool (to the arg-max entries), it only has no parameter gradient"),
    Claim("Test accuracies 59% (20 epochs), 61% (batch 4, 20 epochs), 60% (batch 4, 5), "
          "58% (batch 16, 5), 64% (batch 16, 20); larger batches give smoother loss curves",
          section="2.4", reason="results of training runs, not reproducible from the text"),
    Claim("(i) batch normalization reduces internal covariate shift and regularizes through "
          "the noise of batch statistics", section="3.1",
          reason="explanation, no closed form to check"),
    Claim("(ii) During testing, gamma and beta parameters that are previously learned in the "
          "training are directly used to normalize data points, therefore using the stored "
          "statistics, model knows the distribution of testing beforehand", section="3.1",
          reason="explanation; it blurs the point that inference uses the running mean and "
          "variance stored during training (gamma and beta scale and shift afterwards)"),
    Claim("CNNs are better for images: 1) local and spatial connectivity, 2) parameter "
          "sharing/sparsity", section="3.4", reason="explanation, no value to check"),
    Claim("Training of GAN will significantly change if the input is not drawn from a normal "
          "distribution ... the input randomly chosen will disrupt the convergence to "
          "equilibrium", section="4.3", reason="argument without a mathematical statement "
          "to check (the question asks for one; the seed gives none)"),
)

PROBLEM = Problem(
    id="lenet-kernel-size-three",
    title="LeNet on CIFAR-10 with 3x3 instead of 5x5 convolutions",
    source=Source("000_b77450bb05363a64.txt", "2.2"),
    statement=(
        r"The CIFAR-10 classifier is conv($3\to6$, $k=5$), max-pool($2$, stride $2$), "
        r"conv($6\to16$, $k=5$), max-pool($2$, stride $2$), then fully connected layers whose "
        r"first expects $16\cdot5\cdot5$ inputs; input $32\times32\times3$, padding 0, "
        r"stride 1. What happens if both convolutions use $k=3$ and nothing else changes? "
        r"Give the output size of a convolution (PyTorch floors: "
        r"$\lfloor (w-k+2p)/s\rfloor+1$) and padding/stride choices that restore the sizes."
    ),
    givens=(
        Given("k", (), integers(1, 7), "k", "kernel size"),
        Given("pad", (), integers(0, 3), "p", "padding"),
        Given("s", (), integers(1, 4), "s", "stride"),
        Given("w", (), integers(lambda k: k, 40), "w", "input size"),
        Given("q", (), integers(lambda pad: 2 * pad, lambda pad: 2 * pad + 12), "q",
              "output size - 1 for an input w = sq + k - 2p that the stride divides"),
    ),
    shapes=({}, {}, {}),
    parts=(
        Equation(
            name="conv-output-size",
            derivation=(
                r"\text{window starts } 0,s,\dots,js \text{ that fit: } js+k &\le w+2p \iff "
                r"j\le\frac{w-k+2p}{s}",
                r"\#\{j\ge0\} &= \left\lfloor\frac{w-k+2p}{s}\right\rfloor+1",
            ),
            asks=r"Output size of a convolution: input $w$, kernel $k$, padding $p$, stride $s$",
            lhs=lambda w, k, pad, s: slide(w, k, pad, s),
            rhs=floor_formula,
            answer_latex=r"\left\lfloor\frac{w-k+2p}{s}\right\rfloor+1",
            claim=Claim(r"\frac{w-k+2pad}{s} + 1", seed_formula, section="2.2.4",
                        holds_in="conv-output-size-divisible",
                        condition="s divides w - k + 2pad",
                        holds_value=lambda q, k, pad, s: seed_formula(s * q + k - 2 * pad,
                                                                      k, pad, s)),
            wrong=(Wrong("no floor (exact division)", seed_formula),
                   Wrong("padding counted once", lambda w, k, pad, s: (w - k + pad) // s + 1),
                   Wrong("forgot the +1", lambda w, k, pad, s: (w - k + 2 * pad) // s)),
        ),
        Equation(
            name="conv-output-size-divisible",
            derivation=(
                r"w-k+2p &= sq\ \Rightarrow\ \left\lfloor\frac{sq}{s}\right\rfloor+1 = q+1 = "
                r"\frac{w-k+2p}{s}+1",
            ),
            asks=r"The same when $s$ divides $w-k+2p$ (input $w=sq+k-2p$)",
            lhs=lambda q, k, pad, s: slide(s * q + k - 2 * pad, k, pad, s),
            rhs=lambda q, k, pad, s: seed_formula(s * q + k - 2 * pad, k, pad, s),
            answer_latex=r"\frac{w-k+2p}{s}+1\ (=q+1)",
            wrong=(Wrong("divided by s twice", lambda q, k, pad, s: q / s + 1),),
        ),
        Equation(
            name="flatten-size-k5",
            derivation=(
                r"\text{conv1: } 32-5+1 &= 28,\qquad \text{pool1: } \lfloor(28-2)/2\rfloor+1 = 14",
                r"\text{conv2: } 14-5+1 &= 10,\qquad \text{pool2: } \lfloor(10-2)/2\rfloor+1 = 5",
                r"\text{flatten: } 16\cdot5\cdot5 &= 400",
            ),
            asks=r"Inputs of the first fully connected layer with $k=5$",
            lhs=lambda: lenet_sizes(5)[4, 0],
            rhs=lambda: 16 * 5 * 5,
            answer_latex=r"16\times5\times5=400",
            claim=Claim(r"number of input neurons are 16 \times 5 \times 5", lambda: 400,
                        section="2.2.1"),
            wrong=(Wrong("second pool forgotten: 16 x 10 x 10", lambda: 1600),),
        ),
        Equation(
            name="activation-sizes-k3",
            derivation=(
                r"\text{conv1: } 32-3+1 &= 30,\qquad \text{pool1: } \lfloor(30-2)/2\rfloor+1 = 15",
                r"\text{conv2: } 15-3+1 &= 13,\qquad \text{pool2: } \lfloor(13-2)/2\rfloor+1 = 6",
                r"\text{flatten: } 16\cdot6\cdot6 &= 576\neq400",
            ),
            asks=r"With $k=3$: sizes after conv1, pool1, conv2, pool2 and the flattened length "
                 r"(the first FC layer expects 400, so the forward pass fails)",
            lhs=lambda: lenet_sizes(3),
            rhs=lambda: vstack(30, 15, 13, 6, 576),
            answer_latex=r"30,\ 15,\ 13,\ \lfloor 13/2\rfloor=6,\ 16\cdot6\cdot6=576\neq400",
            wrong=(Wrong("rounded 6.5 up", lambda: vstack(30, 15, 13, 7, 784)),
                   Wrong("'same' sizes", lambda: vstack(32, 16, 16, 8, 1024))),
        ),
        Equation(
            name="output-size-direction",
            derivation=(
                r"k=3:\ w-3+2p+1 &= w-2+2p",
                r"k=5:\ w-5+2p+1 &= w-4+2p",
                r"\text{difference} &= 2>0\ \Rightarrow\ +1",
            ),
            asks=r"Does a conv output grow when $k$ goes from 5 to 3 (stride 1, same padding)? "
                 r"(+1 larger, 0 same, -1 smaller)",
            lhs=lambda w, pad: sign(slide(w + 4, 3, pad, 1) - slide(w + 4, 5, pad, 1)),
            rhs=lambda: 1,
            answer_latex=r"+1:\ \text{larger, by } 2 \text{ per axis } (w-2+2p \text{ vs } "
                         r"w-4+2p)",
            claim=Claim(r"If we choose k as 3 rather than 5, w - k will increase and output "
                        r"will be larger in size", lambda: 1, section="2.2.4"),
            wrong=(Wrong("smaller", lambda: -1), Wrong("unchanged", lambda: 0)),
        ),
        Equation(
            name="receptive-fields",
            derivation=(
                r"\text{back through pool2, conv2: } r &= 1\to 2\to 2+(k-1) = k+1",
                r"\text{back through pool1, conv1: } r &= 2(k+1)\to 2(k+1)+(k-1) = 3k+1",
                r"k=3:\ 3\cdot3+1 &= 10,\qquad k=5:\ 3\cdot5+1 = 16",
            ),
            asks=r"Receptive field (per axis) of one pixel after the second pool, $k=3$ and "
                 r"$k=5$",
            lhs=lambda: vstack(receptive_field(3), receptive_field(5)),
            rhs=lambda: vstack(10, 16),
            answer_latex=r"10,\ 16\quad(3k+1\text{ for }k=3,\ 5)",
            wrong=(Wrong("pooling ignored (2k - 1)", lambda: vstack(5, 9)),),
        ),
        Equation(
            name="receptive-field-direction",
            derivation=(
                r"\text{per conv: } 3 &< 5;\qquad \text{after pool2: } 3\cdot3+1 = 10 < 3\cdot5+1 "
                r"= 16",
                r"10-16 &= -6<0\ \Rightarrow\ -1",
            ),
            asks=r"Does the receptive field grow when $k$ goes from 5 to 3? "
                 r"(+1 larger, 0 same, -1 smaller)",
            lhs=lambda: sign(receptive_field(3) - receptive_field(5)),
            rhs=lambda: -1,
            answer_latex=r"-1:\ \text{smaller } (3 \text{ vs } 5 \text{ per conv, } 10 "
                         r"\text{ vs } 16 \text{ after pool2})",
            claim=Claim(r"Receptive field of the convolutional layer increases", lambda: 1,
                        section="2.2.4"),
            wrong=(Wrong("unchanged", lambda: 0),),
        ),
        Equation(
            name="stride-one-excess",
            derivation=(
                r"k=3,\ \text{padding } p:\ (w+4)-3+2p+1 &= w+2+2p",
                r"k=5,\ \text{padding } 0:\ (w+4)-5+1 &= w",
                r"\text{excess} &= 2+2p\ge2\quad(p\ge0)",
            ),
            asks=r"At stride 1, how much larger a $k=3$ conv with padding $p$ is than the "
                 r"original $k=5$, $p=0$ conv",
            lhs=lambda w, pad: slide(w + 4, 3, pad, 1) - slide(w + 4, 5, 0, 1),
            rhs=lambda pad: 2 + 2 * pad,
            answer_latex=r"2+2p\ \ge 2:\ \text{no padding restores the size at stride 1}",
            wrong=(Wrong("2p - 2 (p = 1 restores)", lambda pad: 2 * pad - 2),),
        ),
        Equation(
            name="restoring-stride-padding",
            derivation=(
                r"\text{conv1 } (32\to28):\ \tfrac{29+2p}{s} &= 27:\ s=1: p=-1,\ s=2: p=12.5,\ "
                r"s=3: p=26",
                r"\text{conv2 } (14\to10):\ \tfrac{11+2p}{s} &= 9:\ s=1: p=-1,\ s=2: p=3.5,\ s=3: "
                r"p=8",
                r"\text{floor, } s=2:\ 54\le29+2p<56 &\Rightarrow p=13;\quad "
                r"18\le11+2p<20\Rightarrow p=4",
            ),
            asks=r"Smallest stride, then padding, with which $k=3$ gives 28 from 32 (conv1) and "
                 r"10 from 14 (conv2): exact formula, then PyTorch's floor",
            lhs=lambda: vstack(*restoring_choices(True), *restoring_choices(False)),
            rhs=lambda: vstack(3, 26, 3, 8, 2, 13, 2, 4),
            answer_latex=r"\text{exact: } (s,p)=(3,26),\ (3,8);\ \text{floor: } (2,13),\ "
                         r"(2,4)",
            notes="Possible only with a stride above 1 and a padding far larger than the "
                  "kernel; the practical fixes are to set the first FC layer to 16*6*6 "
                  "inputs, or padding 1 everywhere with 16*8*8 inputs.",
            wrong=(Wrong("stride 1, padding -1", lambda: vstack(1, -1, 1, -1, 1, -1, 1, -1)),),
        ),
        Equation(
            name="restorable",
            derivation=(
                r"\tfrac{32-3+2p_2}{s_2}+1 = 28 &\iff 29+2p_2 = 27s_2:\ s_2=3,\ p_2=26",
                r"\tfrac{14-3+2p_2}{s_2}+1 = 10 &\iff 11+2p_2 = 9s_2:\ s_2=3,\ p_2=8\ "
                r"\Rightarrow\ 1",
            ),
            asks=r"Is there an integer stride $s_2\ge1$ and padding $p_2\ge0$ with "
                 r"$\frac{w-3+2p_2}{s_2}+1=\frac{w-5}{1}+1$ for both convolutions? (1 yes, 0 no)",
            lhs=restorable,
            rhs=lambda: 1,
            answer_latex=r"1\ \text{(yes, with } s_2=3\text{)}",
            claim=Claim(r"it is possible to get same output size by adjusting padding and stride "
                        r"amount. \frac{w-k_1+2pad_1}{s_1} + 1 = \frac{w-k_2+2pad_2}{s_2} + 1",
                        lambda: 1, section="2.2.4"),
            wrong=(Wrong("no", lambda: 0),),
        ),
    ),
    prose=PROSE,
)
