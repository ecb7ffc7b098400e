from django.urls import path

from berdaya.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.index, name="index"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/items/", views.assignment_add_items, name="assignment_add_items"),
    path("assignments/<int:pk>/reassign/", views.assignment_reassign, name="assignment_reassign"),
    path("assignments/<int:pk>/open/", views.assignment_set_open, name="assignment_set_open"),
    path("assignments/<int:pk>/households/", views.assignment_add_households, name="assignment_add_households"),
    path("assignments/<int:pk>/import/", views.assignment_import, name="assignment_import"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("queue/", views.queue, name="queue"),
    path("visits/<int:pk>/confirm/", views.visit_confirm, name="visit_confirm"),
    path("visits/<int:pk>/reject/", views.visit_reject, name="visit_reject"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("funnel/", views.funnel, name="funnel"),
]
