"""One module per part kind: how that kind is derived (SymPy) and witnessed (numerics).

Each ``check(problem, part, seed)`` returns the witness results; :mod:`derivekit.verify`
turns them into a verdict. A check never trusts a single route: a part is verified only when
independent witnesses agree with its closed form.
"""
