from django.urls import path

from berdaya.enrolment import views

app_name = "enrolment"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/build/", views.build, name="build"),
    path("programmes/<int:pk>/carry-over/", views.carry_over, name="carry_over"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/rebuild/", views.list_rebuild, name="list_rebuild"),
    path("lists/<int:pk>/approve/", views.list_approve, name="list_approve"),
    path("lists/<int:pk>/cancel/", views.list_cancel, name="list_cancel"),
    path("lists/<int:pk>/sk/", views.decree, name="decree"),
    path("lists/<int:pk>/sk/render/", views.decree_render, name="decree_render"),
    path("lists/<int:pk>/export/", views.list_export, name="list_export"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/status/", views.enrolment_status, name="enrolment_status"),
    path("enrolments/<int:pk>/drop/", views.enrolment_drop, name="enrolment_drop"),
]
