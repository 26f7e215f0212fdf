# Each entry: URL name -> function(world) returning a list of Case (see tests/matrix.py).
from tests.matrix import Case

CASES = {
    "audit:list": lambda w: [
        Case({}, {"admin": 200}),
        Case({}, {"admin": 200}, query="person=sec&action=denied&since=2026-01-01&until=2026-12-01"),
    ],
    "audit:export": lambda w: [Case({}, {"admin": 200})],
}
