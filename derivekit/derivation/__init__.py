"""SymPy side: explicit-shape symbolic givens, component-wise derivatives, exact identities.

SymPy's MatrixSymbol calculus silently returns 0 (or raises) for trace sums, log det and BCE,
so nothing here differentiates a MatrixSymbol: every derivative is taken entry by entry on
explicit matrices of scalar symbols at several concrete shapes.
"""
