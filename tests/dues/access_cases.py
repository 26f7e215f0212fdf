# Each entry: URL name -> function(world) returning a list of Case (tests/matrix.py).
from datetime import date
from decimal import Decimal

from django.utils import timezone

from tests.matrix import Case

_READERS = {"secretary_a": 302, "secretary_b": 302, "reviewer": 302, "admin": 302}
_READ_A = {"secretary_a": 200, "reviewer": 200, "admin": 200}
_READ_B = {"secretary_b": 200, "admin": 200}
_READ_P1 = {"reviewer": 200, "admin": 200}
_MEMBER_A = {"member": 200, **_READ_A}
_MANAGE_A = {"secretary_a": 200, "admin": 200}
_MANAGE_B = {"secretary_b": 200, "admin": 200}
_SAVED_A = {"secretary_a": 302, "admin": 302}


def _ledger(w):
    return [
        Case({"pk": w.branch_a.pk}, _READ_A),
        Case({"pk": w.branch_a.pk}, _READ_A, query="month=2025-01"),
        Case({"pk": w.group_a1.pk}, _READ_A),
        Case({"pk": w.p1.pk}, _READ_P1),
        Case({"pk": w.branch_b.pk}, _READ_B),
    ]


def _declared(member):
    from dues import services
    from members.access import SYSTEM

    services.dues_declare(member=member, category="employed", income=Decimal("6500"), declared_on=date(2025, 1, 2),
                          by=SYSTEM)  # fmt: skip
    return member


def _payment_of(member):
    from dues import services
    from members.access import SYSTEM

    today = timezone.localdate()
    return services.dues_payment_record(member=_declared(member), first_month=today, last_month=today,
                                        amount=Decimal("97.50"), paid_on=today, method="cash", by=SYSTEM)  # fmt: skip


def _pay_data() -> dict:
    month = f"{timezone.localdate():%Y-%m}"
    return {"first_month": month, "last_month": month, "amount": "97.50", "paid_on": timezone.localdate().isoformat(),
            "method": "cash"}  # fmt: skip


CASES = {
    "dues:index": lambda w: [Case({}, _READERS)],
    "dues:ledger": _ledger,
    "dues:export": _ledger,
    "dues:member": lambda w: [Case({"pk": w.member_a.pk}, _MEMBER_A), Case({"pk": w.member_b.pk}, _READ_B)],
    "dues:declare": lambda w: [
        Case({"pk": w.member_a.pk}, _MANAGE_A),
        Case({"pk": w.member_b.pk}, _MANAGE_B),
        Case(
            {"pk": w.member_a.pk},
            _SAVED_A,
            method="post",
            data={"category": "employed", "income": "6500", "declared_on": timezone.localdate().isoformat()},
        ),
        # Negative income: the form again with its error; nothing saved.
        Case(
            {"pk": w.member_a.pk},
            _MANAGE_A,
            method="post",
            data={"category": "employed", "income": "-1", "declared_on": timezone.localdate().isoformat()},
        ),
    ],
    "dues:pay": lambda w: [
        Case({"pk": w.member_a.pk}, _MANAGE_A),
        Case({"pk": _declared(w.member_a).pk}, _SAVED_A, method="post", data=_pay_data),
        # Without a declared base the payment is refused with the rule named.
        Case({"pk": w.member_b.pk}, _MANAGE_B, method="post", data=_pay_data),
    ],
    "dues:reduce": lambda w: [
        Case({"pk": w.member_a.pk}, _MANAGE_A),
        Case(
            {"pk": w.member_a.pk},
            _SAVED_A,
            method="post",
            data=lambda: {
                "first_month": f"{timezone.localdate():%Y-%m}",
                "last_month": f"{timezone.localdate():%Y-%m}",
                "amount": "0",
                "decided_on": timezone.localdate().isoformat(),
                "approved_on": timezone.localdate().isoformat(),
                "reason": "生活困难",
            },
        ),
    ],
    "dues:payment_delete": lambda w: [
        Case({"pk": _payment_of(w.member_a).pk}, _MANAGE_A),
        Case({"pk": _payment_of(w.secretary_a_member).pk}, _SAVED_A, method="post"),
    ],
}

EXEMPT: dict[str, str] = {}
