"""The typed-math language shared by ``derivekit check`` and ``derivekit derive``.

text --parse--> raw tree --resolve (names, shapes)--> typed tree --> evaluate / render / derive.
No step ever hands user text to ``eval``, ``exec`` or ``sympify``.
"""
