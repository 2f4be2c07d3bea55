"""Question understanding: which documents a question is about (names, places, years, scope),
and what it asks (lookup, parts, stated change, comparison). One home for these rules; the
answering chain and the features read its decisions.

- ``orgs``: an organisation's name split into places and body (pure);
- ``matching``: a mention in a question matched to documents' names, with a score (pure);
"""
