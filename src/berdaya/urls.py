from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("berdaya.core.urls")),
    path("accounts/", include("berdaya.accounts.urls")),
    path("regions/", include("berdaya.regions.urls")),
    path("registry/", include("berdaya.registry.urls")),
    path("programmes/", include("berdaya.programmes.urls")),
    path("targeting/", include("berdaya.targeting.urls")),
    path("imports/", include("berdaya.imports.urls")),
    path("proposals/", include("berdaya.proposals.urls")),
    path("verification/", include("berdaya.verification.urls")),
    path("enrolment/", include("berdaya.enrolment.urls")),
    path("django-admin/", admin.site.urls),
]
