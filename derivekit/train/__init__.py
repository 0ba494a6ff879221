"""Train the seeds' CIFAR-10 networks in JAX (Flax NNX, Optax, Orbax).

Nothing heavy is imported here: ``derivekit --help`` must not pay for jax or flax.
"""
