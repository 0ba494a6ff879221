"""Seed 003 Problem 4: ViT patch arithmetic, and why patches need positional encodings."""

from derivekit.model import Claim, Equation, Given, Problem, Source, Wrong
from derivekit.ops import exp, identity_like, sqrt

IMAGE, PATCH, CHANNELS = 224, 16, 3


def patches_of_pixels():
    """Assign every pixel to the patch containing it; the distinct patches, with their sizes."""
    sizes = {}
    for i in range(IMAGE):
        for j in range(IMAGE):
            key = (i // PATCH, j // PATCH)
            sizes[key] = sizes.get(key, 0) + 1
    return sizes


PATCH_SIZES = patches_of_pixels()


def flattened_patch():
    """The top-left patch of an RGB image, flattened pixel by pixel, channel by channel."""
    return [(i, j, c) for i in range(PATCH) for j in range(PATCH) for c in range(CHANNELS)]


def self_attention(X, Wq, Wk, Wv):
    """softmax(X Wq (X Wk)^T / sqrt(d)) X Wv, softmax over each row; no positional encoding."""
    E = exp(X @ Wq @ (X @ Wk).T / sqrt(X.shape[1]))
    return E / (E @ (1 + 0 * X[:, :1])) @ X @ Wv


def reversal(X):
    """The permutation matrix that reverses the order of the patches (rows of X)."""
    return identity_like(X)[::-1, :]


PROBLEM = Problem(
    id="vit-patch-count",
    title="Vision Transformer patches: count, length, and order blindness",
    source=Source("003_e61c9815763fc135.txt", "Problem 4"),
    statement=(
        r"A $224\times224$ RGB image is cut into $16\times16$ patches for a Vision Transformer. "
        r"How many patches are there, and how long is a flattened patch? Show that self-attention "
        r"without positional encodings is permutation-equivariant: reordering the patches "
        r"($X\mapsto PX$) only reorders the outputs."
    ),
    givens=(
        Given("X", ("n", "d"), latex="X", description="patch embeddings, one per row"),
        Given("Wq", ("d", "d"), latex="W_q"),
        Given("Wk", ("d", "d"), latex="W_k"),
        Given("Wv", ("d", "d"), latex="W_v"),
    ),
    shapes=({"n": 3, "d": 2}, {"n": 4, "d": 1}, {"n": 2, "d": 3}),
    prose=(
        Claim("1. What are the two main operations used in CNNs to process images? B. "
              "Convolution and pooling.", section="P4.1",
              reason="a multiple-choice question about terminology, with no value to compute"),
        Claim("2. Why do Vision Transformers need positional encodings? B. To remember where "
              "each image patch came from.", section="P4.2",
              reason="an explanation; its checkable core (self-attention alone cannot tell the "
                     "order of the patches) is verified in part attention-permutation-equivariant"),
        Claim("3. Which architecture typically works better with small datasets? B. CNN "
              "(inductive biases: local receptive fields, weight sharing; ViTs need large amounts "
              "of data)", section="P4.3",
              reason="an empirical statement about trained models and data-set size"),
        Claim("5. (1) processes patches in sequential order: V or N; (2) handles patches in "
              "parallel: B; (3) weight sharing across spatial locations: C or B; (4) requires "
              "positional encoding: V; (5) naturally preserves local spatial relationships: C; "
              "(6) naturally preserves global spatial relationships: V", section="P4.5",
              reason="a classification of architectural properties with hedged answers (V or N, "
                     "C or B); (4) rests on the permutation equivariance verified in part "
                     "attention-permutation-equivariant"),
    ),
    parts=(
        Equation(
            name="patch-count",
            derivation=(
                r"\text{patches per side} &= 224/16 = 14",
                r"\text{patches} &= 14\cdot14 = 196",
            ),
            asks=r"Number of $16\times16$ patches of a $224\times224$ image",
            lhs=lambda: len(PATCH_SIZES),
            rhs=lambda: (224 // 16) ** 2,
            answer_latex=r"(224/16)^2=14^2=196",
            notes="lhs assigns each of the 224^2 pixels to its patch and counts distinct patches.",
            claim=Claim(r"(224//16)\times(224//16)=14\times14=196", lambda: 196, section="P4.4(1)"),
            wrong=(Wrong("224/16 = 14 (one row of patches)", lambda: 14),
                   Wrong("counted pixels per patch, 256", lambda: 256)),
        ),
        Equation(
            name="patches-are-full",
            derivation=(
                r"224 &= 14\cdot16\ \Rightarrow\ \text{no remainder along either side}",
                r"\text{every patch} &= 16\cdot16 = 256\text{ pixels}",
            ),
            asks=r"Every patch is a full $16\times16$ block (224 is a multiple of 16)",
            lhs=lambda: min(PATCH_SIZES.values()) + max(PATCH_SIZES.values()),
            rhs=lambda: 2 * 16 * 16,
            answer_latex=r"\text{every patch has }16^2=256\text{ pixels}",
            notes="lhs is the smallest plus the largest patch size: 512 only if both are 256.",
            wrong=(Wrong("a ragged last row of patches", lambda: 256 + 16 * 8),),
        ),
        Equation(
            name="flattened-length",
            derivation=(
                r"\text{one patch} &= 16\times16\text{ pixels}\times3\text{ channels}",
                r"\text{length} &= 16\cdot16\cdot3 = 768",
            ),
            asks=r"Length of a flattened $16\times16$ RGB patch",
            lhs=lambda: len(flattened_patch()),
            rhs=lambda: 16 * 16 * 3,
            answer_latex=r"16\cdot16\cdot3=768",
            claim=Claim(r"16\times16\times3=768", lambda: 768, section="P4.4(2)"),
            wrong=(Wrong("channels forgotten: 256", lambda: 256),),
        ),
        Equation(
            name="attention-permutation-equivariant",
            derivation=(
                r"S(PX) &= PXW_q(PXW_k)^T/\sqrt d = P\,S(X)\,P^T",
                r"\mathrm{softmax}_{\text{rows}}(PSP^T) &= "
                r"P\,\mathrm{softmax}_{\text{rows}}(S)\,P^T\quad\text{(rows and columns permuted)}",
                r"\mathrm{SA}(PX) &= P\,\mathrm{softmax}(S)\,P^TPXW_v = "
                r"P\,\mathrm{SA}(X)\quad(P^TP=I)",
            ),
            asks=r"Without positional encodings, $\mathrm{SA}(PX)=P\,\mathrm{SA}(X)$ for a "
                 r"permutation $P$ of the patches",
            lhs=lambda X, Wq, Wk, Wv: self_attention(reversal(X) @ X, Wq, Wk, Wv),
            rhs=lambda X, Wq, Wk, Wv: reversal(X) @ self_attention(X, Wq, Wk, Wv),
            answer_latex=r"\mathrm{SA}(PX)=P\,\mathrm{SA}(X)",
            notes="P reverses the patch order; the output is the same set of vectors, reordered, "
                  "so attention by itself has no notion of where a patch was.",
            wrong=(Wrong("order-aware: SA(PX) = SA(X)", lambda X, Wq, Wk, Wv:
                         self_attention(X, Wq, Wk, Wv)),),
        ),
    ),
)
