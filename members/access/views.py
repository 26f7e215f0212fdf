"""The view side of the access layer: every portal page is a `ScopedViewMixin`; a page about one object is a
`ScopedObjectMixin`, which fetches it through the scope or answers 404."""

from django.contrib.auth.mixins import AccessMixin
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from branches.errors import NotPermitted
from config.proxies import client_address

from .scope import Scope, scope_for


def denied(request, *, target: str = "", detail: str = "") -> Http404:
    """A refusal (the page answers 404): written to the audit log, then returned to be raised."""
    audit_record(
        action=Action.DENIED,
        user=request.user,
        address=client_address(request),
        path=request.path,
        target=target,
        detail=detail or request.method,
    )
    return Http404()


def _exists(model, pk) -> bool:
    try:
        return model._base_manager.filter(pk=pk).exists()
    except (ValueError, TypeError):
        return False


class ScopedViewMixin(AccessMixin):
    """A portal page: a login first, then `permitted()` (a named permission of `self.scope`, for pages about no
    one object); a page or a service refusing the user answers 404, as an object outside the scope does, so that
    nothing outside it can be seen, changed or even confirmed to exist."""

    @cached_property
    def scope(self) -> Scope:
        return scope_for(self.request.user)

    def permitted(self) -> bool:
        """Whether the user may open this page at all (e.g. ``self.scope.may_plan_meetings()``)."""
        return True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.permitted():
            raise denied(request, detail=f"{request.method} {_('无权打开此页面')}")
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotPermitted as refused:
            raise denied(request, detail=f"{request.method} {_('无权执行此操作')}") from refused


class ScopedObjectMixin(ScopedViewMixin):
    """A page about one object, fetched through the scope: `scoped_queryset()` (a selector given `self.scope`)
    holds only what the user may reach; a key outside it answers 404 before the page does anything.

    `allowed(obj)` names what the page further needs (e.g. ``self.scope.may_manage_meeting(obj)``); `refuse(obj)`
    may answer with a redirect (and a message) when the page does not apply to the object as it stands. The object
    is kept as `self.<object_attribute>`.
    """

    object_attribute = "object"
    pk_url_kwarg = "pk"

    def scoped_queryset(self) -> QuerySet:
        raise NotImplementedError("a scoped page names the selector its object is fetched through")

    def allowed(self, obj: Model) -> bool:
        return True

    def refuse(self, obj: Model) -> HttpResponse | None:
        return None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        pk = kwargs.get(self.pk_url_kwarg)
        scoped = self.scoped_queryset()
        found = scoped.filter(pk=pk).first() if pk is not None else None
        if found is None or not self.allowed(found):
            # Only an object that exists is a denial worth a line (a mistyped address is not).
            if found is not None or (pk is not None and _exists(scoped.model, pk)):
                raise denied(request, target=f"{scoped.model._meta.label_lower}:{pk}")
            raise Http404
        setattr(self, self.object_attribute, found)
        refusal = self.refuse(found)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)
