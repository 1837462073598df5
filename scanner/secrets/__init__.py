"""The parts of the secret classifier, one job a module; ``scanner.secret_values`` puts them together.

``heuristics`` reads names and typed-in values, ``formats`` knows vendors' token formats, ``urls`` finds
passwords in URL userinfo, ``public`` knows the values that are public by design and ``references``
the values that point into a secret store.
"""
