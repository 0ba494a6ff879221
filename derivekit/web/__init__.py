"""``derivekit serve``: a small web app where students check answers in the browser.

Starlette (routing, requests, static files) on uvicorn: a page per problem with its statement
typeset by the KaTeX copy shipped in ``static/``, an answer box per part with a live preview of
how the grader reads the answer, the grader's verdict after submit, and for instructors the
verified answer sheet with the audit of the seed's claims. Every page works through the JSON
API under ``/api/`` (:mod:`derivekit.web.api`), which calls the library (grade, verify, audit,
derive) and formats nothing but JSON and the sheet's HTML.
"""
