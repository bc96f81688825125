"""Home page: where each kind of user starts."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_entity_account and user.organization_id:
        return redirect("registry:organization_detail", pk=user.organization_id)
    return redirect("registry:directory")
