"""Pagination whose cost does not grow with the number of rows: the total is exact up to a cap.

An exact `COUNT(*)` reads every matching row (about 140 ms for the 300,000 meetings a root organisation sees,
bench figures 3 and 4), although nobody pages through thousands of records: they search and filter. `CappedPaginator`
counts at most `settings.LIST_COUNT_CAP + 1` rows (`SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)`), so a list
says "共 N 次" up to the cap and "超过 N 次" beyond it, and pages past the cap still open: their rows are read by
OFFSET with one row more than the page, which tells whether a next page exists. Two queries a page, whatever the size.

`paginate(request, rows)` is the one way a view pages a list (any `page` parameter gives a page, never a 404 for a
stale link). Template: `includes/pagination.html` shows either paginator (with a capped total it names the page
without "of N"; `query` keeps the list's filters in its links).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPage(Page):
    """A page past a capped total: whether a next page exists comes from the extra row read with it."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self._more = more

    def has_next(self) -> bool:
        return self._more

    def end_index(self) -> int:
        return (self.paginator.per_page * (self.number - 1)) + len(self.object_list)


class CappedPaginator(Paginator):
    """A Paginator whose `count` is exact up to `cap` rows (`count_is_exact`), and `cap` beyond."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = settings.LIST_COUNT_CAP if cap is None else cap

    @cached_property
    def _bounded_count(self) -> int:
        """How many rows there are, counting no further than cap + 1."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows[: self.cap + 1])
        rows = rows.order_by()
        if not rows.query.distinct and not rows.query.combinator:
            # Only the primary key: the list's annotations (correlated subqueries) and joins for display are not
            # computed for rows that are only counted.
            rows = rows.values("pk")
        return rows[: self.cap + 1].count()

    @cached_property
    def count_is_exact(self) -> bool:
        return self._bounded_count <= self.cap

    @cached_property
    def count(self) -> int:
        """The number of rows, or the cap when there are more (see `count_is_exact`)."""
        return min(self._bounded_count, self.cap)

    def validate_number(self, number) -> int:
        """Any page number from 1 once the total is capped: whether the page has rows shows when it is read."""
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number) -> Page:
        """Like Paginator.get_page: a number past the rows gives the last counted page (one more query)."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if self.count_is_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


def paginate(
    request, rows, *, per_page: int | None = None, capped: bool = False, count: int | None = None
) -> tuple[Paginator, Page]:
    """The page of `rows` the request's `page` parameter asks for: any value gives a page (the last one when too
    large, the first when not a number), never a 404 for a stale link.

    `capped` counts at most LIST_COUNT_CAP + 1 rows (`CappedPaginator`); `count`, when the caller knows it (a tree
    node's number of children), saves the COUNT query.
    """
    paginator = (CappedPaginator if capped else Paginator)(rows, per_page or settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator, paginator.get_page(request.GET.get("page"))


@dataclass(frozen=True)
class PaginatorFacts:
    count: int
    count_is_exact: bool
    num_pages: int


@dataclass(frozen=True)
class PageFacts:
    """What `includes/pagination.html` and a list's heading read of a page, as plain values: a page kept in a cache
    (the paginator itself holds the query)."""

    number: int
    has_previous: bool
    has_next: bool
    previous_page_number: int | None
    next_page_number: int | None
    has_other_pages: bool
    paginator: PaginatorFacts

    @classmethod
    def of(cls, page: Page) -> PageFacts:
        paginator = page.paginator
        exact = getattr(paginator, "count_is_exact", True)
        return cls(
            number=page.number,
            has_previous=page.has_previous(),
            has_next=page.has_next(),
            previous_page_number=page.number - 1 if page.has_previous() else None,
            next_page_number=page.number + 1 if page.has_next() else None,
            has_other_pages=page.has_other_pages(),
            paginator=PaginatorFacts(
                count=paginator.count, count_is_exact=exact, num_pages=paginator.num_pages if exact else 0
            ),
        )
