from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from berdaya.core.permissions import Perm, has_perm
from berdaya.registry.selectors import households_in_scope, persons_in_scope


@require_GET
def home(request):
    context = {}
    if has_perm(request.user, Perm.REGISTRY_VIEW):
        households = households_in_scope(user=request.user)
        context["household_count"] = households.filter(status="active").count()
        context["person_count"] = persons_in_scope(user=request.user).filter(status="alive").count()
        context["flagged_count"] = households.filter(open_flag_count__gt=0).count()
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
