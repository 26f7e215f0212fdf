# The member's home in the every-URL × role matrix: everyone with a login has one (a user with no member record
# sees their notices only).
from tests.matrix import Case

CASES = {
    "dashboards:mine": lambda w: [
        Case({}, {"member": 200, "secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}),
    ],
}
