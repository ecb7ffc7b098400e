from django.shortcuts import render


def household_list(request):
    return render(request, "registry/household_list.html", {})
