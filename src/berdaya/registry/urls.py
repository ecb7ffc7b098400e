from django.urls import path

from berdaya.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("export/", views.household_export, name="household_export"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/history/", views.household_history, name="household_history"),
    path("households/<int:pk>/head/", views.household_set_head, name="household_set_head"),
    path("households/<int:pk>/activate/", views.household_activate, name="household_activate"),
    path("households/<int:pk>/members/new/", views.person_add, name="person_add"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/move/", views.person_move, name="person_move"),
    path("persons/<int:pk>/status/", views.person_status, name="person_status"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
]
