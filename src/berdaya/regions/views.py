from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def picker(request):
    return render(request, "regions/picker.html", {})
